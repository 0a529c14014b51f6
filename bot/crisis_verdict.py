"""What the crisis rules make of one message: a crisis, a check-in, or nothing.

bot.crisis holds the English rules; this module reads a message with them the way a careful
reader would (issue #32):

- the visitor's own words and the spelling-corrected ones, and a long message sentence by
  sentence ("how much is TMS? if it doesn't work I'm ending it"): the worst reading wins;
- who is in danger: the visitor, or someone else now ("my friend just took a bottle of pills"),
  which gets the reply for helping someone else;
- when: another person's past ("my uncle died by suicide in 2015") is no crisis, and the
  visitor's own past ("I attempted two years ago, can I still get ketamine?") gets the
  check-in, unless it is back now;
- how sure: an ambiguous question about whether a treatment can kill ("can ketamine kill you")
  gets the answer and the check-in, while how to die, with what and how much is a crisis;
- which language: Spanish crisis messages have rules of their own and the Spanish reply; a
  message in a language the assistant cannot read gets the reply that says to call 988 or 911.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.crisis import (
    DISCLOSURES,
    TOPIC_WORDS,
    CrisisMatch,
    detect_crisis,
    is_figurative,
    normalise,
)
from bot.language import ENGLISH, OTHER, SPANISH, language_of

CRISIS, CHECK_IN = "crisis", "check_in"
SELF, SOMEONE_ELSE = "self", "someone_else"


@dataclass(frozen=True)
class Verdict:
    tier: str | None  # CRISIS, CHECK_IN or None
    category: str | None = None
    audience: str = SELF
    language: str = ENGLISH
    # Suicide, self-harm or overdose is the message's subject without a crisis: the answer may
    # carry the one-line 988 note.
    sensitive: bool = False
    # The rules found the danger and placed it in another person's past: the classifier, which
    # cannot tell who or when, does not raise it again.
    settled: bool = False


NOTHING = Verdict(None)

_SENTENCE_END = re.compile(
    r"(?<=[.!?;\n])\s+|\s+(?=\bif\s+(?:it|this|that|they|i)\b)|,\s+(?=but\b)"
)
_THIRD_PERSON = re.compile(
    r"\b(?:my|our|a|his|her|their)\s+(?:\w+\s+)?(?:friend|mom|mother|mum|dad|father|son|daughter|"
    r"kid|child|brother|sister|husband|wife|partner|boyfriend|bf|girlfriend|gf|roommate|"
    r"grandma|grandmother|grandpa|grandfather|aunt|uncle|cousin|niece|nephew|ex|coworker|"
    r"neighbou?r|classmate|student|client|patient|teen|stepdad|stepmom|stepfather|stepmother|"
    r"fiance|fiancee|family\s+member|best\s+friend)\b"
    r"|\b(?:he|she|they|someone|somebody|him|her|them)\b"
)
_FIRST_PERSON_DANGER = re.compile(
    r"\b(?:i|i'm|im|i've|ive|i'll|ill|i'd|me|myself|my\s+(?:life|self))\b"
)
_NOW = re.compile(
    r"\b(?:just|right\s+now|tonight|today|currently|at\s+the\s+moment|is\s+threatening|"
    r"threatening|says\s+(?:she|he|they)|said\s+(?:she|he|they)|keeps|won'?t\s+wake|"
    r"not\s+waking|isn'?t\s+breathing|can'?t\s+reach|locked|ran\s+out|is\s+going\s+to|"
    r"wants?\s+to|posted|texted|sending|on\s+(?:the\s+)?(?:phone|facetime)|what\s+do\s+i\s+do|"
    r"how\s+do\s+i\s+help|help\s+(?:him|her|them))\b"
)
_PAST = re.compile(
    r"\b(?:(?:days?|weeks?|months?|years?|yrs?|decades?)\s+ago|"
    r"last\s+(?:year|month|summer|winter|spring|fall|autumn|christmas|time)|in\s+(?:19|20)\d\d|"
    r"back\s+in|years?\s+back|a\s+few\s+years|when\s+i\s+was|as\s+a\s+(?:teen|kid|child)|"
    r"in\s+(?:high\s+school|college)|used\s+to|when\s+(?:i|he|she|they|my\s+\w+)\s+(?:was|were)\s+(?:little|young|small|a\s+kid|a\s+teen|\d+)|years\s+ago|christmases\s+ago|since\s+then|"
    r"ever\s+since|passed\s+away|died\s+(?:by|of|from)|lost\s+(?:my\s+)?\w+\s+to|history\s+of|"
    r"past\s+attempt|previous\s+attempt|was\s+hospitali[sz]ed|had\s+an?\s+attempt|"
    r"(?:19|20)\d\d)\b"
)
# Another person's suicide told as done ("my grandfather killed himself when ..."): the past,
# unless the message says it is happening now ("my friend just shot himself").
_COMPLETED = re.compile(
    r"\b(?:killed|shot|hanged|hung)\s+(?:himself|herself|themselves|themself)\b"
    r"|\b(?:took|ended)\s+(?:his|her|their)\s+(?:own\s+)?life\b"
    r"|\b(?:died\s+by|committed)\s+suicide\b"
)
# Back in the present: the past is no reassurance ("attempted in 2020, the urge is back").
_BACK_NOW = re.compile(
    r"\b(?:again|back|came\s+back|coming\s+back|right\s+now|tonight|today|these\s+days|"
    r"lately|this\s+week|all\s+over\s+again|same\s+spot|right\s+back|"
    r"(?:i'?m|im|i\s+am)\s+(?:ready|going\s+to|gonna|about\s+to|planning))\b"
)
# Whether a treatment or a medicine can kill, asked without an amount or a method: answered,
# with a check-in ("can ketamine kill you", "has anyone died from spravato").
_SUBSTANCE = (
    r"(?:ketamine|esketamine|spravato|tms|infusions?|k\s+hole|antidepressants?|ssris?|lexapro|"
    r"zoloft|sertraline|prozac|wellbutrin|effexor|lithium|meds|medications?|pills?|drugs?|"
    r"treatments?|the\s+(?:ketamine|spray|drug|medicine))"
)
_LETHALITY_QUESTION = re.compile(
    rf"\b{_SUBSTANCE}\s+(?:\w+\s+){{0,2}}(?:kill|killed|kills)\s+(?:you|someone|somebody|people|"
    r"a\s+person|me|anyone|anybody)\b"
    rf"|\b{_SUBSTANCE}\s+(?:\w+\s+){{0,3}}(?:lethal|deadly|fatal)\b"
    rf"|\b(?:die|died|dying|death|deaths)\s+(?:from|of|in|during|on)\s+(?:a\s+|an\s+|the\s+)?(?:\w+\s+)?{_SUBSTANCE}"
    rf"|\bhow\s+(?:dangerous|toxic|deadly|lethal)\s+(?:is|are)\s+(?:\w+\s+)?{_SUBSTANCE}"
    rf"|\b{_SUBSTANCE}\s+overdose\s+(?:feel|like)\b"
    r"|\bput\s+you\s+under\s+permanently\b"
)
# Hedged: thoughts of not being alive, with no intent said. Asked about, with the check-in.
_HEDGED = re.compile(
    r"\bpassive\s+(?:suicidal\s+)?ideation\b|\b(?:stopped|stop)\s+existing\b"
    r"|\bthoughts?\s+(?:about|of)\s+not\s+being\s+(?:alive|here|around)\b"
    r"|\b(?:feel|feeling)\s+like\s+disappearing\b"
    r"|\bhit\s+pause\s+on\s+life\b|\bwish\s+i\s+(?:didn'?t|did\s+not)\s+exist\b"
    r"|\bwouldn'?t\s+be\s+the\s+worst\s+thing\s+if\s+i\b"
    r"|\bhaving\s+thoughts\s+i\s+(?:don'?t|do\s+not)\s+like\b"
    r"|\bno\s+point\s+(?:lately|these\s+days|in\s+anything)\b|\bmy\s+(?:own\s+)?funeral\b"
    r"|\bstopped\s+caring\s+(?:whether|if)\s+i\s+live\b"
)
# The visitor's own past: an attempt, a hold, self-harm they used to do. The check-in.
_OWN_PAST = re.compile(
    r"\b(?:my|a|an|past|previous|prior|suicide)\s+(?:suicide\s+)?attempts?\b|\bhad\s+an?\s+attempt\b"
    r"|\bi\s+(?:attempted|tried\s+(?:suicide|to\s+kill\s+myself|to\s+end\s+my\s+life))\b"
    r"|\b5150\b|\bpsych(?:iatric)?\s+(?:hold|ward|hospital)\b"
    r"|\bhospitali[sz]ed\b.*\b(?:overdose|suicid\w*|attempt|self\s*harm|depression)\b"
    r"|\bused\s+to\s+(?:cut|self\s*harm|hurt\s+myself|burn\s+myself)\b"
    r"|\b(?:high\s+risk|history\s+of\s+(?:suicid\w*|self\s*harm|overdose|attempts?))\b"
)
# A subject named, not a person in danger: "suicide prevention class", "ketamine for suicidal
# depression", "a client with suicidal ideation". Only the topic words give way to these.
_TOPIC_AS_SUBJECT = re.compile(
    r"\bsuicide\s+(?:prevention|awareness|hotline|line|rates?|risk|statistics|research|class|"
    r"training|survivors?)\b|\bsuicidal\s+depression\b|\bself\s*harm\s+urges\s+in\b"
    r"|\b(?:i'?m|i\s+am)\s+(?:a|an)\s+(?:therapist|counselor|counsellor|nurse|doctor|teacher|"
    r"psychiatrist|psychologist|social\s+worker|researcher|student|writer|journalist)\b"
    r"|\b(?:writing|write)\s+(?:a\s+)?(?:paper|article|essay|thesis)\b"
    r"|\bin\s+the\s+past\b|\basking\s+for\s+(?:my|a)\s+\w+"
)
_SENSITIVE = re.compile(
    r"\b(?:suicid\w*|self[\s-]*harm\w*|overdos\w*|od'?d|kill\w*|die|died|dying|death|dead|"
    r"lethal|fatal|attempt\w*|cutting|hang\w*)\b"
)

# Spanish: the 988 line answers in Spanish (press 2, or text AYUDA). Accents are folded.
_ES_SELF = [
    r"\b(?:quiero|quisiera|voy\s+a|me\s+quiero|me\s+voy\s+a|pienso|pensando\s+en|estoy\s+pensando\s+en)\s+"
    r"(?:morir(?:me)?|matar(?:me)?|suicidar(?:me)?|quitarme\s+la\s+vida|ahorcar(?:me)?|cortar(?:me)?)\b",
    r"\b(?:me\s+quiero|me\s+voy\s+a)\s+(?:ahorcar|matar|morir|cortar|tirar)\b",
    r"\bno\s+quiero\s+(?:vivir|seguir(?:\s+viviendo)?|existir|despertar)\b",
    r"\b(?:matarme|suicidarme|ahorcarme|quitarme\s+la\s+vida|me\s+mato|me\s+matare)\b",
    r"\b(?:me\s+estoy|estoy)\s+cortando\b|\bme\s+corte\b",
    r"\bcarta\s+de\s+despedida\b",
    r"\b(?:lo\s+hago|lo\s+voy\s+a\s+hacer)\s+(?:hoy|esta\s+noche|manana|ya)\b|\besta\s+noche\s+lo\s+hago\b",
    r"\btengo\s+(?:todo\s+listo|un\s+plan|el\s+plan)\b",
    r"\b(?:pastillas|medicinas|medicamentos)\b.*\b(?:todas|me\s+las\s+tomo|me\s+las\s+voy\s+a\s+tomar|con\s+alcohol)\b"
    r"|\b(?:tome|tomo|me\s+tome)\s+(?:como\s+)?(?:\d+|muchas|todas|un\s+monton\s+de)\s+(?:de\s+)?pastillas\b"
    r"|\btome\s+pastillas\s+con\s+alcohol\b",
    r"\b(?:estrellar|tirarme|aventarme|lanzarme)\b.*\b(?:carro|coche|puente|edificio|muro|tren)\b",
    r"\bdolor\s+(?:muy\s+)?(?:fuerte\s+)?en\s+el\s+pecho\b|\bno\s+puedo\s+respirar\b",
    r"\bno\s+(?:le\s+)?(?:veo|encuentro)\s+sentido\s+a\s+(?:nada|la\s+vida|vivir)\b",
    r"\bya\s+no\s+(?:puedo|aguanto)\s+mas\b",
]
_ES_SOMEONE_ELSE = [
    r"\bmi\s+(?:hermano|hermana|hijo|hija|mama|papa|madre|padre|esposo|esposa|amigo|amiga|novio|novia|pareja)\b"
    r".*\b(?:se\s+tomo|se\s+quiere\s+matar|se\s+va\s+a\s+matar|no\s+despierta|no\s+respira|se\s+corto|quiere\s+morir)\b",
]
_ES_COMPILED = [re.compile(p) for p in _ES_SELF]
_ES_OTHER_COMPILED = [re.compile(p) for p in _ES_SOMEONE_ELSE]


def sentences(text: str) -> list[str]:
    """The sentences of a message, and its clauses after "if" ("..., if it doesn't work I'm
    ending it") and "but"."""
    parts = [part.strip() for part in _SENTENCE_END.split(text or "") if part and part.strip()]
    return parts if len(parts) > 1 else []


def judge(text: str, corrected: str | None, is_english: Callable[[str], bool]) -> Verdict:
    """The crisis rules' verdict on a message (`corrected`: its spelling-corrected form)."""
    language = language_of(corrected or text, is_english)
    if language == OTHER:
        # Unreadable: whether it is a crisis cannot be told; the reply says to call 988 or 911.
        return Verdict(None, language=OTHER)
    if language == SPANISH:
        return _judge_spanish(text)
    readings = [text] + ([corrected] if corrected else []) + sentences(text)
    verdicts = [_judge_one(reading) for reading in readings]
    crisis = [v for v in verdicts if v.tier == CRISIS]
    if crisis:
        # The visitor's own danger first: "my friend overdosed and I want to die too".
        return next((v for v in crisis if v.audience == SELF), crisis[0])
    check_in = [v for v in verdicts if v.tier == CHECK_IN]
    if check_in:
        return check_in[0]
    settled = any(v.settled for v in verdicts)
    # "I'm dying to know the price" names no sensitive subject: no 988 note after its answer.
    sensitive = bool(_SENSITIVE.search(normalise(text))) and not is_figurative(text)
    return Verdict(None, sensitive=sensitive, settled=settled)


def _judge_one(text: str) -> Verdict:
    match = detect_crisis(text)
    normalised = normalise(text)
    if match is not None and match.rule in _TOPIC_RULES and _TOPIC_AS_SUBJECT.search(normalised):
        match = None
    if match is None:
        if is_figurative(text):
            return NOTHING
        if (
            _SENSITIVE.search(normalised)
            and _THIRD_PERSON_SUBJECT.match(normalised)
            and _PAST.search(normalised)
            and not _NOW.search(normalised)
        ):
            # Another person's past, in words no rule knows: the classifier does not raise it.
            return Verdict(None, sensitive=True, settled=True)
        if _LETHALITY_QUESTION.search(normalised):
            return Verdict(CHECK_IN, "lethality_question", sensitive=True)
        if (
            _OWN_PAST.search(normalised)
            and _FIRST_PERSON_DANGER.search(normalised)
            and not _THIRD_PERSON_SUBJECT.match(normalised)
        ):
            return Verdict(CHECK_IN, "past", sensitive=True)
        if _HEDGED.search(normalised):
            return Verdict(CHECK_IN, "hedged", sensitive=True)
        return NOTHING
    # Harm to others: the visitor is the one to speak to, whoever they name.
    harms_others = match.category == "harm_to_others" or any(
        rule.search(normalised) for rule in _HARM_RULES
    )
    audience = SELF if harms_others else _audience(normalised, match)
    in_the_past = _PAST.search(normalised) or _COMPLETED.search(normalised)
    if audience == SOMEONE_ELSE and in_the_past and not _NOW.search(normalised):
        # Another person's past: the subject is sensitive, nobody is in danger now.
        return Verdict(None, sensitive=True, settled=True)
    if audience == SELF and _PAST.search(normalised) and not _BACK_NOW.search(normalised):
        return Verdict(CHECK_IN, match.category, sensitive=True)
    return Verdict(CRISIS, match.category, audience, sensitive=True)


_TOPIC_RULES = frozenset(TOPIC_WORDS.values())
_HARM_RULES = [re.compile(rule) for rule in DISCLOSURES["harm_to_others"]]
# A message about another person's past starts with them ("my sister was hospitalized ...").
_THIRD_PERSON_SUBJECT = re.compile(
    r"^(?:\w+\s+){0,3}(?:my|our|his|her)\s+(?:\w+\s+)?(?:friend|mom|mother|dad|father|son|"
    r"daughter|brother|sister|husband|wife|partner|cousin|uncle|aunt|grandma|grandpa|roommate|"
    r"boyfriend|girlfriend|kid|child)\b"
)


def _audience(normalised: str, match: CrisisMatch) -> str:
    """SOMEONE_ELSE when another person is the one in danger: named before the rule's words,
    and the visitor does not speak of their own danger."""
    found = re.search(match.rule, normalised)
    start = found.start() if found else len(normalised)
    before, span = normalised[:start], normalised[start : found.end() if found else start]
    if not _THIRD_PERSON.search(before) and not re.search(
        r"\b(?:himself|herself|themselves|themself)\b", span
    ):
        return SELF
    if _FIRST_PERSON_DANGER.search(span):
        return SELF
    return SOMEONE_ELSE


def _judge_spanish(text: str) -> Verdict:
    normalised = normalise(text)
    if any(p.search(normalised) for p in _ES_OTHER_COMPILED):
        return Verdict(CRISIS, "spanish", SOMEONE_ELSE, SPANISH)
    if any(p.search(normalised) for p in _ES_COMPILED):
        return Verdict(CRISIS, "spanish", SELF, SPANISH)
    sensitive = bool(re.search(r"\b(?:suicid\w*|sobredosis|morir|muerte)\b", normalised))
    return Verdict(None, language=SPANISH, sensitive=sensitive)
