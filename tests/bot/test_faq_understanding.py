"""Visitors' own words, not in the training data, reach the right answer."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.bot.conftest import Visitor

# (FAQ topic, question, a phrase from the answer it must get). None is a training example.
QUESTIONS = [
    ("what_is_spravato", "so what exactly is this spravato thing", "nasal spray"),
    (
        "spravato_eligibility",
        "can i get esketamine if only one antidepressant failed for me",
        "at least two antidepressants",
    ),
    (
        "spravato_session",
        "after the spray do they make you hang around the office",
        "at least 2 hours",
    ),
    (
        "spravato_schedule",
        "how many times per week would i come in for the spray at first",
        "twice a week",
    ),
    (
        "spravato_insurance",
        "will my health plan pay for spravato treatments",
        "prior authorisation",
    ),
    ("spravato_side_effects", "does spravato have bad side effects", "dissociated"),
    (
        "spravato_suicidal_thoughts",
        "is esketamine used for people having thoughts of suicide",
        "988",
    ),
    ("what_is_ketamine", "how does ketamine even treat depression", "off-label"),
    ("ketamine_speed", "how soon after an infusion might i feel different", "hours to days"),
    ("ketamine_plan", "how many ketamine infusions is a normal series", "6 infusions"),
    ("ketamine_session", "what's it like sitting through an iv ketamine session", "40 minutes"),
    ("ketamine_side_effects", "could an infusion spike my blood pressure", "blood pressure"),
    ("ketamine_addiction", "i'm worried about getting hooked on ketamine", "Schedule III"),
    ("ketamine_cost", "how pricey are the ketamine infusions", "not covered by insurance"),
    ("what_is_tms", "what is transcranial magnetic therapy", "magnetic pulses"),
    ("tms_session", "will i need to be sedated for tms", "no anaesthesia"),
    ("tms_course", "how many weeks does a tms course last", "6 weeks"),
    ("tms_side_effects", "are there risks with tms like seizures", "seizures are rare"),
    (
        "tms_insurance",
        "is transcranial magnetic stimulation covered by my insurer",
        "prior authorisation",
    ),
    ("antidepressant_side_effects", "my ssri makes me gain weight is that common", "weight gain"),
    ("antidepressant_stopping", "is it ok to just quit my sertraline", "Please don't stop"),
    (
        "antidepressant_time_to_work",
        "my new antidepressant hasn't kicked in after 10 days",
        "4 to 8 weeks",
    ),
    ("benzodiazepines", "isn't valium an antidepressant", "not antidepressants"),
    (
        "antidepressants_vs_treatments",
        "is ketamine a better option than staying on my meds",
        "clinician",
    ),
    ("clinic_location", "where exactly are your offices", "Santa Monica"),
    ("clinic_hours", "what time does the clinic open", "hours"),
    ("clinic_doctors", "who is the doctor at your clinic", "Fahimian"),
    ("free_consultation", "do i have to pay anything for the first consult", "free"),
    ("consultation_what_happens", "what will happen during my free consult", "medical history"),
    ("age_requirement", "i'm only 16, am i allowed to get tms", "18 and over"),
    ("effectiveness", "how often does ketamine therapy actually work", "can't promise"),
    ("conditions_treated", "can you help people with bipolar", "mood disorders"),
    ("clinic_contact", "can i just call somebody", "call the clinic"),
    ("compare_treatments", "how do tms and spravato compare", "Spravato"),
    ("pregnancy", "my wife is pregnant, can she still get the nasal spray", "obstetrician"),
    ("before_a_session", "am i allowed to eat before the spravato dose", "2 hours"),
    ("medication_interactions", "i take valium, does that clash with ketamine", "every medicine"),
    ("which_treatment_for_me", "which of your treatments should i pick", "can't tell"),
    ("insurance_general", "do you work with insurance companies", "prior authorisation"),
    ("cost_general", "roughly what will this cost me", "Costs depend"),
    ("side_effects_general", "what side effects should i be worried about", "Each treatment"),
    # Neighbouring topics that share words: one infusion vs the series, one TMS visit vs the
    # course, keeping an antidepressant vs replacing it, a benzodiazepine vs an antidepressant.
    ("ketamine_session", "how long does a single ketamine drip take", "staff monitor"),
    ("tms_session", "how long is one visit for tms", "sit in a chair"),
    ("medication_interactions", "do i keep taking my prozac while i get tms", "every medicine"),
    ("benzodiazepines", "is it bad to be on klonopin for years", "dependence"),
    # Once fell to the topic buttons or a neighbouring topic.
    (
        "spravato_eligibility",
        "tried three ssris and nothing helped, is spravato possible for me",
        "at least two antidepressants",
    ),
    ("spravato_session", "what's the rems thing", "at least 2 hours"),
    # A danger word inside a real question is no crisis ("unconscious" once matched a rule);
    # stopping already done and feeling unwell; the service area.
    ("ketamine_session", "will i be unconscious during the infusion", "staff monitor"),
    (
        "antidepressant_stopping",
        "i quit paxil cold turkey yesterday and feel like garbage",
        "already stopped",
    ),
    ("clinic_location", "i live in riverside county, do you treat people from there", "miles"),
    ("spravato_session", "does anyone watch you after the spray", "at least 2 hours"),
    # Quitting a named medicine (once read as stopping the form).
    ("antidepressant_stopping", "i'm thinking about quitting wellbutrin", "Please don't stop"),
]

# Misspelt as visitors type them; the spelling corrector (bot/spelling.py) makes these readable.
TYPOS = [
    ("ketamine_addiction", "is ketamine adictive", "Schedule III"),
    ("clinic_location", "were are you locatd", "Santa Monica"),
    ("insurance_general", "do you acept blue shield", "prior authorisation"),
    ("tms_course", "how many sesions of tms do i need", "6 weeks"),
    ("spravato_session", "how long do i have to stay after the nasel sprey", "at least 2 hours"),
    ("tms_side_effects", "wat are the side effcts of magnetc stimulation", "headache"),
    (
        "antidepressant_time_to_work",
        "how long untill my antidepresant starts working",
        "4 to 8 weeks",
    ),
    ("free_consultation", "is the consulation realy free", "free"),
]

# Words nobody trained on: a measure of how well the assistant generalises, so it allows a
# small number of misses (listed when the floor is broken) instead of asserting each one.
MAX_MISSES = 2


def test_questions_in_own_words_reach_the_right_answer(
    agent: Any, event_loop_for_agent: asyncio.AbstractEventLoop
) -> None:
    misses = []
    for topic, question, expected in QUESTIONS + TYPOS:
        reply = Visitor(agent, event_loop_for_agent).says(question)
        if expected not in reply:
            misses.append(f"{question!r} ({topic}) got: {reply[:120]}")
    assert len(misses) <= MAX_MISSES, "\n".join(misses)


def test_every_faq_topic_is_asked() -> None:
    from tests.bot.test_content import _faq_examples

    assert {topic for topic, _, _ in QUESTIONS} == set(_faq_examples())
