"""Which language a visitor writes in: English, Spanish or another, judged by words.

The assistant answers in English, and a crisis gets its reply in Spanish too (the 988 line has
Spanish speakers). A message in a language it cannot read at all must never get the topic
buttons: it gets a reply, in English and Spanish, that says to call 988, which has interpreters
by phone, or 911.

Judged by words, not characters: accented names ("José Núñez"), typographic quotes, emoji and
"café" leave an English message English. A message is Spanish when at least half of its words
are common Spanish words that are not English ones; another language when most of its words are
in a script other than Latin (Chinese, Korean, Armenian, Persian, Russian, Japanese), or, in
Latin letters, when few of them are English (Tagalog, Vietnamese). A short answer written as a
name ("Nguyễn Văn An") stays English: names are in every language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

ENGLISH, SPANISH, OTHER = "en", "es", "other"

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
# Common Spanish words that are not English words (accents folded): enough of a message's words
# to tell it is Spanish, none of the words an English message is made of.
SPANISH_WORDS = frozenset(
    """
    el la los las un una unos unas del al de y o pero porque que quien cual cuales cuando donde
    como cuanto cuanta cuantos cuantas por para con sin sobre entre hasta desde hacia yo tu
    usted ustedes ella ellos ellas nosotros mi mis tus su sus nuestro nuestra me te se nos le
    les lo este esta estos estas ese esa eso aqui alli ahi ya muy mas menos tambien tampoco
    nunca siempre hoy manana noche ayer ahora ahorita luego despues antes todo toda todos todas
    nada nadie algo alguien otro otra otros cada mucho mucha muchos muchas poco soy eres es
    somos son estoy estas esta estamos estan fue era ser estar tengo tienes tiene tenemos tienen
    hay hace hago haces hacer puedo puede pueden podemos poder quiero quieres quiere queremos
    querer necesito necesita necesitan voy vas va vamos van ir vivir vida morir muerto muerta
    matar matarme morirme suicidarme suicidio suicida suicidas pastillas veo sentido mato misma
    mismo droga drogas usan fiestas pastilla ayuda ayudar ayudame gracias hola buenos buenas
    dias tardes noches favor senor senora doctor doctora cita consulta gratis cuesta costo
    precio seguro aceptan atienden tratamiento tratamientos sesiones sesion depresion ansiedad
    medicamento medicamentos dolor pecho respirar sangre cortar cortando cortarme hermano
    hermana hijo hija madre padre mama papa esposo esposa novio novia amigo amiga familia casa
    trabajo dinero sirve funciona duele oficina clinica donde queda sabado sabados domingo lunes
    pensamientos pensando pienso creo siento sentir mal bien tomar tome tomo tomado carta
    despedida plan listo lista quitarme ahorcar ahorcarme estrellar carro puente edificio
    cuchillo arma pistola tengo tiene anos meses semana semanas sola solo triste cansado cansada
    puedes podrian hablar habla espanol ingles llamar llamame numero telefono correo
    """.split()  # noqa: SIM905 (a word list reads best as text)
)
# A message in Latin letters of at least this many words, with fewer than this share of English
# words, is in another language (Tagalog, Vietnamese). Misspelt English keeps a good share of
# its words ("i keep haveing sucidal thoughs": 2 of 5), and is judged after spelling correction.
_MIN_FOREIGN_WORDS = 3
ENGLISH_SHARE = 0.35


def _fold(word: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
    ).lower()


def _is_latin(word: str) -> bool:
    return all("LATIN" in unicodedata.name(c, "") or c == "'" for c in word)


def _looks_like_a_name(text: str, words: list[str]) -> bool:
    """ "Nguyễn Văn An", "Анна Смирнова", "王芳", "김민지": capitalised words, or one short word
    in a script without capitals."""
    if len(words) == 1 and not words[0].isupper() and not words[0].islower():
        return len(words[0]) <= 3
    return len(words) <= 4 and all(w[:1].isupper() for w in words)


def language_of(text: str, is_english: Callable[[str], bool]) -> str:
    """ "en", "es" or "other" for `text`; `is_english(word)` says whether a (lower-case,
    unaccented) word is an English one."""
    words = _WORD.findall((text or "").replace("\u2019", "'"))
    if not words:
        return ENGLISH
    if _looks_like_a_name(text, words):
        return ENGLISH
    latin = [_fold(w) for w in words if _is_latin(w)]
    other_script = len(words) - len(latin)
    if other_script > len(latin):
        return OTHER
    if not latin:
        return ENGLISH
    # Spanish punctuation ("¿aceptan Medi-Cal?") counts as a Spanish word.
    spanish = sum(w in SPANISH_WORDS for w in latin) + (2 if re.search("[¿¡]", text) else 0)
    english = sum(is_english(w) for w in latin)
    only_english = sum(is_english(w) and w not in SPANISH_WORDS for w in latin)
    # One Spanish word alone ("me", "plan") may be English; "gracias" is not.
    enough_spanish = spanish >= 2 or (spanish == 1 and only_english == english)
    if enough_spanish and spanish * 2 >= len(latin) and spanish > only_english:
        return SPANISH
    # Names are in every language ("it's Kenji Chino"): only lower-case words tell another
    # language apart, and "it's" is read as "it".
    common = [_fold(w).split("'")[0] for w in words if _is_latin(w) and not w[:1].isupper()]
    known = sum(is_english(w) for w in common)
    if len(common) >= _MIN_FOREIGN_WORDS and known < ENGLISH_SHARE * len(common):
        return OTHER
    return ENGLISH
