from tools.validate_data import explained

DOMAIN = {"forms": {"lead_form": {"required_slots": ["phone", "email"]}}}


def test_form_questions_and_refusals_are_explained() -> None:
    assert explained("utterance", "utter_ask_phone", DOMAIN)
    assert explained("utterance", "utter_invalid_email", DOMAIN)


def test_responses_and_intents_named_by_actions_are_explained() -> None:
    assert explained("utterance", "utter_lead_submitted", DOMAIN)
    assert explained("intent", "affirm", DOMAIN)


def test_a_response_nothing_uses_is_not_explained() -> None:
    assert not explained("utterance", "utter_ask_shoe_size", DOMAIN)
    assert not explained("utterance", "utter_typo_nobody_sends", DOMAIN)
    assert not explained("intent", "order_pizza", DOMAIN)
