"""Crisis rules for means, methods, plans and goodbyes (part of bot.crisis's DISCLOSURES).

Kept apart from bot.crisis so that each module stays short; the words for drugs and for the
people a visitor may name are shared by both.
"""

from __future__ import annotations

_DRUG = (
    r"(?:pills?|meds?|medications?|medicine|tablets?|drugs?|xanax|ativan|valium|klonopin|"
    r"ketamine|esketamine|spravato|tylenol|acetaminophen|advil|ibuprofen|insulin|"
    r"antidepressants?|opioids?|oxy\w*|fentanyl|heroin|lithium|sleeping\s+pills?|bottle|"
    r"prescriptions?|seroquel|quetiapine|trazodone|benadryl|wellbutrin|lexapro|zoloft|sertraline|"
    r"prozac|amitriptyline|percocet|vicodin|norco|ambien|adderall)"
)

_PERSON = (
    r"(?:kids?|children|son|daughter|wife|husband|partner|mom|mother|dad|father|baby|boss|family|"
    r"roommate|coworker|neighbou?r|sister|brother|girlfriend|boyfriend|friend|teacher|ex|stepdad|"
    r"stepmom|stepfather|stepmother|landlord|manager|uncle|aunt|cousin|parents?)"
)

# How to die, with what and how much, of any substance or means: asked as a question too, with
# no pronoun ("what's the lethal dose of tylenol"), never answered.
MEANS_OR_METHOD = [
    r"\b(?:lethal|fatal|deadly|toxic|killing)\s+(?:dose|doses|dosage|amount|amounts|quantity|level)\b",
    r"\b(?:how\s+(?:many|much)|what\s+amount|what\s+dose|which\s+dose|what\s+number)\b.*"
    r"\b(?:is|are|would\s+be|will\s+be)\s+(?:lethal|fatal|deadly|too\s+(?:many|much)\s+to\s+survive)\b",
    r"\b(?:most|more|least)\s+(?:lethal|fatal|deadly)\b",
    r"\b(?:dangerous|deadly|lethal|fatal|toxic)\s+in\s+(?:large\s+amounts|overdose|high\s+doses|big\s+doses)\b",
    r"\btoo\s+(?:many|much)\s+to\s+survive\b",
    r"\bhow\s+many\s+(?:\w+\s+)?(?:pills?|tablets?|capsules?)\s+would\s+it\s+take\b",
    r"\b(?:how\s+(?:many|much)|what\s+amount)\b.*\b(?:would|could|will|to|it\s+take\s+to)\s+(?:kill|die|overdose|od)\b",
    r"\bhow\s+(?:high|tall|far|deep|cold|long|fast)\b.*\b(?:to\s+die|to\s+kill|drown\w*|die\b|dead\b|death|bleed\s+out|freeze\s+to\s+death|to\s+survive\s+a\s+fall)",
    r"\bbleed(?:ing)?\s+out\b|\bfreeze\s+to\s+death\b",
    r"\b(?:gun|gunshot|bullet|shot)\s+(?:wound\s+)?to\s+(?:the|my|your|his|her)\s+(?:head|heart|temple|mouth)\b",
    r"\bcarbon\s+monoxide\b|\bexhaust\s+(?:fumes|pipe|hose)\b",
    r"\b(?:car|engine)\b.*\bgarage\b.*\b(?:running|engine\s+on)\b|\bgarage\b.*\bengine\s+running\b",
    r"\b(?:is|would)\s+(?:hanging|drowning|jumping|an\s+overdose|overdosing|bleeding\s+out)\s+(?:be\s+)?(?:quick|painless|fast|certain|effective|the\s+(?:best|easiest|quickest)\s+way)\b",
    r"\b(?:quickest|easiest|fastest|surest|most\s+painless|least\s+painful|painless)\s+(?:way|method|ways|methods)\b",
    r"\b(?:can|could|would|will|does|do)\s+(?:you|i|someone|a\s+person|people)\s+(?:die|overdose|od)\s+(?:from|on|if|by)\s+(?:taking\s+)?(?:a\s+(?:whole|full|entire)\s+bottle|all|a\s+(?:bunch|handful|lot)|\d+)",
    r"\b(?:whole|full|entire)\s+(?:bottle|pack|box|prescription)\b.*\b(?:kill|die|dead|fatal|lethal|survive)\b",
]

# Plans, means at hand and goodbyes that a labelled set of visitor messages found missing
# (issue #32).
PLANS_AND_GOODBYES = [
    r"\b(?:tied|tying|made|making)\s+(?:the|a)\s+(?:knot|noose)\b",
    r"\b(?:practicing|practising|practiced|tested|testing)\s+(?:with\s+)?(?:the|a|my)\s+(?:belt|rope|cord|knot|noose|knife|gun)\b",
    r"\b(?:on|at)\s+(?:the\s+)?(?:top\s+floor|edge|ledge|roof|rooftop)\s+of\b.*\b(?:been|hour|minutes|sitting|standing|up\s+here|tonight|now)\b",
    r"\b(?:i\s+have|i'?ve\s+got|got|have)\s+(?:a\s+)?plan\s+and\s+(?:the\s+)?means\b|\bhave\s+(?:the\s+)?means\b",
    r"\b(?:stockpil\w*|hoard\w*|sav(?:ing|ed))\b.*\b(?:enough|all\s+i\s+need)\b",
    r"\b(?:affairs|things)\s+in\s+order\b|\bupdated\s+my\s+will\b",
    r"\b(?:better\s+off|happier|relieved)\s+(?:when|once|after|if)\s+i'?m\s+gone\b|\bwhen\s+i'?m\s+gone\b",
    r"\btell\s+(?:my\s+)?(?:mom|mother|dad|father|family|kids|wife|husband|parents|sister|brother)\s+(?:i'?m|that\s+i'?m|i\s+am)\s+sorry\b",
    r"\b(?:be\s+with|join)\s+(?:my\s+)?(?:dad|mom|father|mother|husband|wife|son|daughter|brother|sister|grandma|grandpa)\b.*\b(?:passed|died|gone|heaven|ready)\b"
    r"|\bready\s+to\s+join\s+(?:him|her|them)\b",
    r"\btoo\s+late\s+for\s+me\b",
    r"\bcheck(?:ing)?\s+out\s+(?:for\s+good|permanently|early|of\s+life)\b",
    r"\b(?:not|won'?t\s+be|never\s+be)\s+(?:going\s+to\s+be\s+)?around\s+(?:much\s+longer|long|to\s+pay|for\s+(?:it|that|long)|tomorrow|next\s+week)\b"
    r"|\bi'?m\s+not\s+going\s+to\s+be\s+around\b|\bwon'?t\s+be\s+(?:needing|around)\b",
    r"\b(?:don'?t|do\s+not|dont)\s+think\s+i\s+(?:can|could|will|'ll)\s+survive\b|\bcan'?t\s+survive\s+(?:another|much\s+longer|this)\b",
    r"\b(?:i'?m|im|i\s+am)\s+(?:gonna|going\s+to|about\s+to)\s+do\s+something\b(?!\s+(?:about|with|for|fun|nice|else|different|new))",
    r"\b(?:i'?m|im|i\s+am)\s+(?:ending|gonna\s+end|going\s+to\s+end)\s+(?:it|things|everything|my\s+life)\b(?!\s+with\b)",
    r"\bbefore\s+i\s+end\s+(?:it|things|everything|my\s+life)\b|\blast\s+chance\s+before\b",
    r"\b(?:hanging|holding)\s+on\s+by\s+a\s+thread\b",
    r"\b(?:pills?|meds|tablets|gun|rope|knife|blade|razors?)\s+(?:are\s+|is\s+)?(?:ready|next\s+to\s+me|in\s+my\s+(?:hand|lap)|beside\s+me|right\s+here|lined\s+up)\b"
    r"|\b(?:got|have)\s+the\s+(?:pills?|gun|rope|knife)\s+(?:ready|here|next\s+to\s+me)\b"
    r"|\b(?:bottle|bottles)\s+of\s+(?:pills|tylenol|meds|\w+)\s+(?:next\s+to|beside|in\s+front\s+of)\s+me\b",
    r"\b(?:plann?ing|planned)\s+(?:again|it|to\s+(?:try|do\s+it))\b|\bgoing\s+to\s+try\s+again\b|\b(?:urge|urges)\s+(?:is|are)\s+back\b",
    r"\b(?:i\s+know|figured\s+out)\s+how\s+much\s+i\s+need\b",
    r"\b(?:going|headed|heading|driving)\s+to\s+(?:the\s+)?(?:[\w-]+\s+){0,3}bridge\b.*\b(?:tonight|made\s+up\s+my\s+mind|decided|for\s+good|last)\b",
    r"\bsleep\s+forever\b|\bgo\s+to\s+sleep\s+(?:and\s+not|forever|for\s+good)\b",
    r"\b(?:time\s+to|going\s+to|ready\s+to)\s+leave\s+(?:this|the)\s+(?:world|earth|life)\b|\bworld\s+(?:doesn'?t|does\s+not|wont|won'?t)\s+need\s+me\b",
    r"\b(?:last|final)\s+message\b",
    r"\b(?:i'?m|im|i\s+am)\s+done\b\s*[.,!]?\s*(?:tell\s+(?:my|everyone|them)|i'?m\s+sorry|sorry\s+for\s+everything)",
    r"\b(?:can'?t|cannot|cant)\s+(?:hold|hang)\s+on\b",
    r"\b(?:survived|attempted|tried)\b.*\b(?:back|again|same\s+spot|same\s+place|right\s+back)\b(?!.*\b(?:better|ok|okay|fine)\s+now\b)",
    r"\bfeel\s+exactly\s+like\s+that\s+(?:right\s+)?now\b",
    rf"\b{_DRUG}\b.*\b(?:going\s+to|gonna|will|about\s+to)\s+(?:take|swallow|down)\s+(?:them|these|those|it\s+all)\s+(?:all\s+)?(?:together|tonight|at\s+midnight|at\s+once|right\s+now|today|tomorrow)\b",
    r"\b(?:razor|blade|knife|gun|rope|pills)\b.*\b(?:going\s+to|gonna|about\s+to)\s+use\s+(?:it|them)\b",
    r"\b(?:razors?|blades?|knife|knives|gun|rope|noose|pills)\b.*\b(?:keep|kept|been|can'?t\s+stop)\s+"
    r"(?:staring|looking)\s+at\s+(?:it|them)\b"
    r"|\b(?:staring|stare)\s+at\s+(?:the|my|a)\s+(?:razors?|blades?|knife|gun|rope|noose)\b",
    r"\b(?:doesn'?t|does\s+not|dont|don'?t)\s+want\s+to\s+(?:live|be\s+alive|be\s+here|wake\s+up)\b",
    r"\bgoodbye\s+(?:message|note|letter|post|text|video)\b",
    r"\bso\s+(?:she|he|they|i)\s+(?:can|could|will|would)\s+die\b",
    r"\btried\s+to\s+(?:end\s+(?:it|things|my\s+life)|kill\s+myself|take\s+my\s+(?:own\s+)?life)\b",
]
