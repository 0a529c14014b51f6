"""The rule-based crisis detector on its own (the labelled recall set comes with issue #3)."""

import pytest

from bot.crisis import detect_crisis, states_safety


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "i wanna die",
        "im suicidal",
        "kms",
        "i keep cutting myself",
        "I took a bunch of pills",
        "i want to hurt my husband",
        "my son is suicidal",
        "life isnt worth living",
        "I cant go on like this",
        "having chest pains",
        "thinkin bout killin myself",
        "I want to diiieee",
        "how do i kill myself",
        # Means at hand, watched.
        "there's a knife on my desk and i can't stop looking at it",
        "been staring at the rope in the garage",
        # A harmless figure elsewhere in the message does not hide the disclosure.
        "i'd die of embarrassment but honestly i want to die",
        "i want to die of shame",
        "dying to know if anyone would care if i killed myself",
        # Euphemisms.
        "thinking of ending things",
        "i might do something stupid tonight",
        # Phrasings of the training data that only the classifier caught before.
        "i keep thinking about unaliving",
        "i'm scared i'll do something to myself",
        "i've been thinking of ways to die",
        "i've decided to die",
        "i looked up how to die",
        "i hate my life",
        "honestly i hate being alive",
        # Found by probing with new wordings: feelings, means, threats, an emergency.
        "i feel like ending it",
        "i took my whole bottle of sertraline",
        "i took 20 tylenol",
        "i can't keep living like this",
        "i wanna dissapear forever",
        "i want to end my suffering",
        "i have a gun and i'm thinking of using it",
        "he said he'd kill me if i leave",
        "i'm having really dark thoughts",
        "i think about death all the time",
        "i keep picturing my own funeral",
        "i don't think i'll be here next week",
        "sometimes i wish i could just not wake up",
        "my heart is racing and my chest hurts, i think it's a heart attack",
        "i want 2 die",
        "i scratched my arms until they bled",
        "i'd rather be dead",
        "i gave my cat away because i won't need her",
        "i'm not going to make it through the night",
        "death seems like the only option",
        "i feel hopeless and want to give up",
        "i wish i'd never been born",
        "i want to stop being a burden",
        "i want it over",
        "i'm in a really bad place and i'm scared of myself",
        "i feel like there's no point anymore",
        "honestly i see no point any more",
        # Spanish: the 988 line answers in Spanish too.
        "quiero morir",
        "me quiero matar",
        "ya no quiero vivir",
        "my dad is unconscious",
        "i found her unconscious",
        "my friend won't wake up",
        "i've been thinking it would be easier if i wasn't around",
        "my son has been talking about wanting to die",
        "i feel like disappearing for good",
        "what's the point of anything",
        "i have nothing left to live for",
        "i'm losing the will to live",
        "i mixed all my meds with alcohol",
        "i drank a bottle of vodka and took my xanax",
        "thinking bout endin it",
        "imma end it",
        "my ex said he's coming to kill me",
        "life is pointless",
        # Means put by and belongings given away.
        "i have pills saved up",
        "got a stash of pills for when i'm ready",
        "i gave away my stuff",
        # A rule match is a crisis, however safe the visitor says they are.
        "i'm fine but i have pills saved up",
        "i want to die but i'm ok",
    ],
)
def test_crisis_messages_are_caught(text: str) -> None:
    assert detect_crisis(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "I'm dying to know the price",
        "traffic kills me",
        "this wait is killing me",
        "does spravato help with suicidal thoughts?",
        "Is esketamine approved for suicidal ideation",
        "can you overdose on ketamine",
        "what is tms",
        "I killed it at work today",
        "i want to die of embarrassment lol",
        "I'm gonna die of boredom in this waiting room",
        "dying to try it honestly",
        "thinking about ending things with my ex",
        "i did something stupid at work",
        "what are the ways of dying in this video game",
        "i decided to dye my hair",
        "i want to dye my hair blue",
        "i hate my life insurance company",
        "i hate living so far from the clinic",
        "i took 2 advil for my headache",
        "i took 20 mg of lexapro this morning",
        "does ketamine help with dark thoughts",
        "i want to end my suffering, can tms help",
        "i feel like ending things with my boyfriend",
        "my mom would kill me if she knew i was here",
        "i think about the death of my dad a lot",
        "i wish i could sleep in and not wake up early",
        "i'd rather die than go to the dentist lol",
        "i want to give up my spot for someone else",
        "i want it over with, just book me",
        "i won't make it to the appointment tomorrow",
        "i cut my finger cooking and it bled a lot",
        "i burned my arm on the stove",
        "no quiero hablar con un robot",
        "will i be unconscious during the infusion",
        "i won't wake up that early for a 7am slot",
        "i have a cold and can't breathe through my nose, can i still use spravato",
        "my chest feels tight when i'm anxious, is that normal",
        "can i mix my meds with alcohol",
        "what's the point of trying tms if spravato is faster",
        "i'll end it here, thanks for the help",
        "is my life insurance pointless",
        "does spravato help people who think about unaliving themselves",
        "i keep my pills hidden from my kids",
        "i gave away my old couch",
        "there's no point anymore in calling my insurance",
    ],
)
def test_figurative_and_topic_questions_are_not_crises(text: str) -> None:
    assert detect_crisis(text) is None


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("i've been in a dark place but i'm safe", True),
        ("depression has taken over my life but i'm not in danger", True),
        ("scraped my knee on a run but im fine", True),
        ("I'm safe, just looking for options", True),
        ("cut my hand on a can, nothing serious", True),
        # Doubt, or no statement at all, is no statement of safety.
        ("i don't know if i'm safe", False),
        ("not sure i'm ok but i'm safe", False),
        ("i'm not safe", False),
        ("i'm not okay, please help", False),
        ("i said i'm fine to everyone", False),
    ],
)
def test_statements_of_being_safe(text: str, safe: bool) -> None:
    assert states_safety(text) is safe
