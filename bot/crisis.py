"""Rule-based crisis detection: suicidal thoughts, self-harm, harm to others, medical emergency.

Recall comes first: a missed crisis is far worse than an extra offer of help. The rules run on
every message inside the NLU pipeline (bot.components.crisis_detector), so they work even when
the action server is down, and they are combined there with the trained `crisis` intent.

Two kinds of rule:
- DISCLOSURES always count ("I want to kill myself", "took too many pills").
- TOPIC words (suicidal, overdose, self-harm) count unless the message is a general question
  with no first-person or family reference ("does Spravato help with suicidal thoughts?"):
  such questions get a factual answer that still carries the 988 line.
Figurative phrases ("I'm dying to know the price", "traffic kills me") match no rule.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.crisis_plans import _DRUG, _PERSON, MEANS_OR_METHOD, PLANS_AND_GOODBYES

# Words people use for "myself", typos included.
_SELF = r"(?:my\s*self|myself|mysef|myslef|mysel|meself|my\s*own\s*self)"
_OTHER_SELF = r"(?:himself|herself|themselves|themself|hisself)"
_DIE = r"(?:die|dye|di|be\s+dead|be\s+gone|not\s+exist|end\s+it)"

DISCLOSURES: dict[str, list[str]] = {
    "suicidal_ideation": [
        rf"\b(?:kill|kil|kll|killing|killin|kiling|off|unalive|unaliving|end)\s*{_SELF}\b",
        r"\bkms\b",
        r"\b(?:end|ending|take|taking|took)\s+(?:it\s+all|my\s+(?:own\s+)?life|my\s+life)\b",
        r"\bend\s+(?:it|things|everything)\s+(?:all|now|tonight|today|for\s+good|soon)\b",
        rf"\b(?:want|wants|wanna|wanted|wanting|going|gonna|ready|plan(?:ning)?|trying|deserve|decided|deciding|chose|choosing)\s+(?:to\s+|2\s+)?{_DIE}\b"
        r"(?!\s+(?:my|her|his|their|the|it)\s+(?:\w+\s+)?hair)",
        # Searching for a method ("thinking of ways to die", "looked up how to die").
        r"\b(?:ways?|methods?)\s+to\s+(?:die|end\s+it|end\s+my\s+life)\b",
        r"\b(?:look(?:ed|ing)?|search(?:ed|ing)?|googl(?:ed|ing|e))\s+(?:up\s+)?how\s+to\s+(?:die|end\s+it|end\s+my\s+life)\b",
        r"\b(?:plan|planning|want|wanna|going|gonna|ready|decided|trying|about|how)\s+(?:to\s+)?end\s+(?:it|things|everything|it\s+all|my\s+(?:own\s+)?(?:life|lfe|lif|live|existence))\b",
        r"\b(?:gun|rope|noose|pills?)\s+to\s+end\s+(?:it|things|my)",
        r"\bnever\s+wake\s+up\b",
        r"\b(?:everyone|everybody|they|family|world|people|kids)\s+(?:would|will|'d)\s+be\s+better\s+off\b",
        r"\bno\s+(?:reason|point|purpose)\b.*\b(?:to\s+live|living|being\s+alive|go(?:ing)?\s+on|keep\s+going)\b",
        r"\bpoint\s+(?:of|in)\s+(?:living|being\s+alive|going\s+on|life)\b",
        r"\btired\s+of\s+(?:living|being\s+alive|existing|life)\b",
        r"\b(?:no|any|see\s+a|only)\s+way\s+out\b",
        r"\b(?:stockpil\w*|sav(?:ing|ed)\s+up|hoard\w*)\b.*\b(?:meds|pills|medications?|tablets)\b",
        # "I have pills saved up", "a stash of pills for when I'm ready".
        r"\b(?:meds|pills|medications?|tablets)\s+(?:saved|stashed|stockpiled)\b|\bstash\s+of\s+(?:my\s+)?(?:meds|pills|tablets)\b",
        r"\b(?:this\s+is\s+(?:my\s+)?goodbye|final\s+goodbye|goodbye\s+(?:forever|world|everyone))\b",
        r"\b(?:no\s*one|nobody)\s+(?:would|will|'d|even|would\s+even)\s+(?:even\s+)?(?:notice|care|miss)\b",
        r"\b(?:i'?m|i\s+am|im)\s+(?:just\s+|such\s+)?a\s+burden\b",
        r"\b(?:how\s+(?:many|much)|(?:easiest|best|quickest|fastest|painless|least\s+painful)\s+way)\b.*\b(?:die|dead|kill|end\s+it|overdose)\b",
        r"\b(?:how\s+(?:to|do\s+(?:i|you|people|u))|ways?\s+to)\s+(?:kill|end|hurt|off)\s+(?:yourself|urself|oneself|myself|my\s*self)\b",
        rf"\b(?:kill|killing|killed|kil|end|ending|ended|hurt|hurting|harm|harming|harmed|shoot|shot|hang|hanged|hung)\s+{_OTHER_SELF}\b",
        r"\b(?:i'?ll|i\s+will|i'?d|ill)\s+(?:probably\s+|prob\s+|likely\s+|just\s+)?be\s+dead\b(?!\s+tired)",
        r"\bif\s+i\s+(?:was|were|am)\s+(?:dead|gone(?!\s+for)|not\s+(?:here|around|alive))\b|\bif\s+i\s+(?:died|disappeared|killed\s+my)"
        r"|\bif\s+i\s+(?:wasn'?t|weren'?t|was\s*nt)\s+(?:around|here|alive)\b",
        r"\bwant\s+(?:it|everything|this|the\s+pain|my\s+life)\s+(?:all\s+)?to\s+(?:be\s+over|end|stop)\b",
        r"\b(?:should|could|might|will|gonna|going\s+to|ought\s+to|imma|ima|i'?ma)\s+(?:just\s+)?end\s+it\b(?!\s+(?:here|there|for\s+today|for\s+now))",
        # Euphemisms: "thinking of ending things", "I might do something stupid tonight". A
        # break-up ("ending things with him") and "at work" are left out.
        r"\b(?:think|thinking|thinkin|thought|thoughts)\s+(?:of|about|bout|abt)\s+end(?:ing|in)?\s+(?:it|things|everything)\b(?!\s+with)",
        r"\b(?:might|may|could|gonna|going\s+to|about\s+to|i'?ll)\s+do\s+something\s+(?:stupid|drastic|dangerous)\b(?!\s+(?:at|with)\s+work)",
        r"\b(?:i'?m|i\s+am|im)\s+not\s+safe\b",
        r"\b(?:don'?t|do\s+not|dont)\s+feel\s+safe\b",
        r"\b(?:don'?t|dont|can'?t|cannot|cant)\s+trust\s+myself\b",
        rf"\bwhat\s+(?:i'?ll|i\s+will|i\s+might|i'?m\s+going\s+to|i\s+could)\s+do\s+to\s+{_SELF}",
        r"\b(?:wish|wished|wishing|hope|hoping)\s+i\s+(?:was|were|could\s+be|would\s+be|could)\s+(?:dead|die|gone|never\s+born)\b",
        r"\bwish\s+i\s+(?:wasn'?t|weren'?t)\s+(?:alive|here|born)\b",
        r"\bbetter\s+off\s+(?:dead|without\s+me|if\s+i\s+(?:was|were)n'?t\s+here|gone)\b",
        r"\b(?:don'?t|dont|do\s+not|no\s+longer)\s+(?:want|wanna|wish)\s+(?:to\s+)?(?:live|be\s+alive|be\s+here|exist|wake\s+up|go\s+on)\b",
        r"\bno\s+(?:reason|point|will)\s+(?:to|in|for)\s+(?:live|living|go(?:ing)?\s+on|being\s+alive)\b",
        r"\b(?:life|living)\s+(?:is\s+)?(?:not|isn'?t|aint|ain'?t)\s+worth\s+(?:it|living)\b",
        r"\bnot\s+worth\s+living\b",
        # Hating one's own life is a warning sign, even with no plan said ("i hate my life").
        r"\bhate\s+(?:my\s+(?:whole\s+|own\s+)?life|being\s+alive|living(?!\s+(?:in|with|so|far|near|here|there|at|on|alone|next|by|close)\b)|existing|my\s+existence)\b(?!\s+insurance)",
        # Giving up on life itself (recall first: "giving up on everything" is a warning sign).
        r"\b(?:give|giving|gave|given)\s+up\s+on\s+(?:everything|life|living|myself|it\s+all)\b",
        r"\b(?:so\s+|just\s+|completely\s+)?done\s+with\s+(?:everything|life|living|it\s+all|being\s+alive)\b",
        r"\bcan'?t\s+(?:go\s+on|keep\s+going|take\s+(?:it|this|the\s+pain)\s+any\s*more|do\s+this\s+any\s*more|live\s+like\s+this)\b",
        rf"\b(?:hang|hanging|drown|drowning|shoot|shooting)\s+{_SELF}\b",
        r"\b(?:jump|jumping)\s+(?:off|from|in\s+front)\b",
        r"\b(?:slit|slitting|cut|cutting)\s+(?:my\s+|her\s+|his\s+|their\s+)?(?:wrists?|throat)\b",
        r"\bnobody\s+(?:would|will)\s+(?:miss|care\s+if)\b",
        r"\b(?:saying|say)\s+(?:my\s+)?goodbyes?\b",
        r"\bsuicide\s+(?:note|letter|plan)\b",
        r"\bno\s+way\s+out\b",
        # Overdose as a plan, before it happens ("I have pills and I'm going to take them all").
        rf"\b{_DRUG}\b.*\b(?:take|taking|swallow|swallowing|down|pop)\s+(?:them|these|those)\s+all\b",
        rf"\b(?:take|taking|swallow|swallowing|down|pop)\s+(?:them|these|those)\s+all\b.*\b{_DRUG}\b",
        rf"\b(?:going\s+to|gonna|will|about\s+to|want\s+to|wanna|plan(?:ning)?\s+(?:to|on)|ready\s+to|thinking\s+(?:of|about))\s+(?:take|taking|swallow|swallowing|down|downing|pop|popping)\s+(?:all|a\s+(?:bunch|lot|handful|whole)|the\s+(?:whole|rest)|every)\b.*\b{_DRUG}\b",
        r"\b(?:i'?m|im|i\s+am)\s+(?:just\s+)?(?:gonna|going\s+to|about\s+to|ready\s+to|want\s+to|wanna)\s+jump\b"
        r"(?!\s+(?:on|at|to|through|ahead|right|straight|back|aboard|ship|start|the\s+gun|in\b(?!\s+front)))",
        r"\b(?:standing|sitting|up)\s+on\s+(?:a|the|this|my)\s+(?:bridge|roof|rooftop|ledge|edge|cliff|balcony)\b",
        r"\bfeel(?:s|ing)?\s+like\s+(?:dying|i\s+(?:want|wanna)\s+(?:to\s+)?die)\b(?!\s+(?:my|her|his|the)\s+hair)",
        r"\b(?:want|wanna|wish\s+i\s+could|going\s+to|gonna|ready\s+to)\s+(?:to\s+)?stop\s+(?:existing|living|being\s+alive)\b(?!\s+(?:in|with|like|for|off|paycheck))",
        r"\b(?:bought|buying|got|have|found)\s+(?:a\s+)?(?:rope|noose)\b(?!\s+(?:swing|ladder|course|light))|\bnoose\b",
        rf"\b(?:use|using)\s+(?:it|them|a\s+gun|the\s+gun|a\s+knife|the\s+knife|a\s+blade)\s+on\s+{_SELF}",
        r"\bsleep\s+and\s+(?:not|never)\s+wake\b",
        r"\b(?:don'?t|dont|do\s+not|can'?t|cant)\s+see\s+(?:the|a|any)\s+point\s+(?:any\s*more|in\s+(?:anything|living|life|going\s+on|trying))\b",
        r"\b(?:want|wanna|wish\s+i\s+(?:could|would)|going\s+to|gonna)\s+(?:to\s+)?(?:just\s+)?di(?:s|ss)app?ea?r\b|\bdisappear(?:ing)?\s+(?:forever|for\s+good)\b",
        r"\b(?:giv(?:en|ing|e)|gave)\s+away\s+(?:all\s+)?(?:of\s+)?my\s+(?:things|stuff|belongings|possessions)\b",
        r"\bwr(?:ote|itten|iting)\s+(?:a\s+|my\s+)?(?:goodbye|farewell|suicide)\s+(?:notes?|letters?)\b",
        r"\bwr(?:ote|itten|iting)\s+(?:a\s+)?(?:goodbye\s+|farewell\s+)?(?:note|letter)s?\s+(?:for|to)\s+(?:my\s+)?(?:family|kids|wife|husband|parents|mom|dad|everyone)\b",
        r"\b(?:drive|driving|crash|crashing|steer|steering)\s+(?:my\s+car\s+)?(?:off|into)\s+(?:a|the)\s+(?:cliff|bridge|wall|tree|ocean)\b",
        r"\b(?:run|running|walk|walking|step|stepping|jump|jumping)\s+(?:out\s+)?(?:into|in\s+front\s+of)\s+(?:traffic|a\s+(?:car|bus|train|truck))\b",
        r"\b(?:scared|afraid|terrified|worried)\s+(?:of\s+)?what\s+i\s*(?:might|will|could|may|'ll)\s+do\b|\bwhat\s+i'?ll\s+do\s+to\s+myself\b",
        r"\bwaste\s+of\s+(?:space|air|oxygen)\b",
        r"\bpills?\s+(?:all\s+)?(?:lined\s+up|counted\s+out|ready\s+to\s+go)\b",
        r"\b(?:thinking|think|thoughts)\s+(?:about|of)\s+(?:dying|being\s+dead|not\s+being\s+here)\b(?!\s+(?:my|her|his|the)\s+hair)",
        r"\b(?:think|thinking|thought|thoughts)\s+(?:about|of)\s+death\b(?!\s+of\b)",
        r"\b(?:plann?(?:ing|ed)|picture|picturing|imagin(?:e|ing)|think(?:ing)?\s+about)\s+my\s+(?:own\s+)?funeral\b",
        r"\b(?:would|will|'d)\s+be\s+(?:better\s+off|happier|fine)\s+without\s+me\b",
        r"\bsleep\s+forever\b",
        r"\bnot\s+(?:going\s+to|gonna)\s+be\s+(?:around|here|alive)\s+(?:much\s+longer|any\s*more|for\s+long|tomorrow)\b",
        r"\bwhy\s+(?:should|would)\s+i\s+(?:keep\s+living|go\s+on|stay\s+alive|bother\s+living)\b",
        r"\b(?:want|wanna|need)\s+out\b(?!\s+of\b)",
        r"\btonight(?:'s|\s+is)\s+the\s+night\b(?!\s+(?:of|for|we|our)\b)",
        r"\bthis\s+is\s+my\s+last\s+(?:message|words|night)\b(?!\s+(?:of|at|in|before|to\s+you\s+about)\b)",
        r"\bmade\s+my\s+peace\b(?!\s+with\s+(?:the|my|a|this|that)\b)",
        # Indirect wordings that probing the rules on their own showed them missing.
        r"\bfeel(?:s|ing)?\s+like\s+end(?:ing)?\s+(?:it|things|everything|my\s+life)\b(?!\s+with)",
        r"\bcan'?t\s+keep\s+(?:living|going\s+on|existing)\b",
        r"\b(?:wish|want|wanna|hope)\b.*\b(?:not|never)\s+wake\s+up\b(?!\s+(?:early|at|before|until|till|for|on\s+time))",
        r"\b(?:want|wanna|going|gonna|ready|need)\s+to\s+end\s+(?:my|the|this)\s+(?:suffering|pain)\b"
        r"(?!.*\b(?:tms|ketamine|spravato|treatments?|therapy|infusions?|depression|help)\b)",
        r"\b(?:have|got|bought|own|found)\s+(?:a|my|the)\s+(?:gun|pistol|firearm|rifle|knife|blade)\b.*\b(?:use|using|end|do\s+it)\b",
        r"\bdon'?t\s+think\s+i'?(?:ll|\s+will)\s+be\s+(?:here|around|alive)\b|\bwon'?t\s+be\s+alive\b",
        r"\b(?:not\s+(?:going\s+to|gonna)|won'?t|don'?t\s+think\s+i'?(?:ll|\s+will))\s+make\s+it\s+(?:through\s+(?:the|this|to)\s+(?:night|week|weekend)|to\s+(?:the\s+)?(?:morning|tomorrow))\b",
        r"\b(?:i'?d|i\s+would|id)\s+(?:rather|sooner)\s+(?:be\s+dead|die|not\s+(?:be\s+)?(?:alive|here|exist))\b(?!\s+than)",
        r"\b(?:death|dying|suicide)\s+(?:is|seems|feels|looks)\s+(?:like\s+)?(?:the\s+|my\s+)?(?:only|best|easiest|right)\s+(?:option|answer|way|choice|solution)\b",
        r"\b(?:want|wanna|ready|going|gonna)\s+(?:to\s+)?give\s+up(?:\s+(?:now|completely|for\s+good))?\s*$",
        r"\bwish\s+i\s*(?:'d|had|d)?\s+never\s+(?:been\s+)?born\b",
        r"\b(?:stop|tired\s+of|sick\s+of|hate)\s+being\s+a\s+burden\b|\bburden\s+(?:to|on)\s+(?:everyone|everybody|my\s+family|them|others)\b",
        r"\bwant\s+(?:it|this|everything|it\s+all)\s+(?:all\s+)?over\b(?!\s+with)",
        r"\b(?:scared|afraid|terrified)\s+of\s+(?:myself|my\s+own\s+thoughts|what\s+i\s+might\s+do)\b",
        r"\bbecause\s+i\s+won'?t\s+need\s+(?:it|them|her|him|this|that|anything)\b",
        r"\bwhat'?s\s+(?:even\s+)?the\s+point\s+(?:of|in)\s+(?:anything|it\s+all|any\s+of\s+(?:this|it)|living|existing|trying\s*$)",
        r"\bnothing\s+(?:left\s+)?to\s+live\s+for\b|\bno\s+(?:reason|one)\s+(?:left\s+)?to\s+live\s+for\b",
        r"\b(?:los(?:e|ing|t)|no)\s+(?:the\s+|my\s+)?will\s+to\s+live\b",
        # Hopelessness with nothing after it ("there's no point anymore"); "no point anymore in
        # calling them" is about something else.
        r"\b(?:there'?s|there\s+is|theres|i\s+(?:just\s+|really\s+|honestly\s+)?see)\s+no\s+point\s+(?:anymore|any\s+more)\b"
        r"(?!\s+(?:in|to|of|with)\s+(?!anything|everything|life|living|it\s+all)|\s+(?:asking|calling|trying)\b)",
        r"\b(?:life|living|my\s+life|existence)\s+(?:is|feels|seems)\s+(?:so\s+|completely\s+|totally\s+)?(?:pointless|meaningless)\b",
        # Spanish (the 988 line has Spanish): "quiero morir", "me quiero matar", "no quiero vivir".
        r"\b(?:quiero|quisiera|voy\s+a|me\s+quiero|me\s+voy\s+a)\s+(?:morir(?:me)?|matar(?:me)?|suicidar(?:me)?)\b|\bno\s+quiero\s+(?:vivir|seguir\s+viviendo|existir)\b|\bmatarme\b|\bquitarme\s+la\s+vida\b",
        *PLANS_AND_GOODBYES,
        r"\bneed\s+help\s+(?:right\s+)?now\b(?!\s+(?:with|for|to|on|finding|choosing|booking|understanding|picking))",
    ],
    "means_or_method": MEANS_OR_METHOD,
    "self_harm": [
        rf"\b(?:hurt|hurting|harm|harming|harmed|cut|cutting|burn|burning|burned|burnt|injure|injuring|punish|punishing|hit|hitting|punch|punching|scratch|scratching|bang|banging|starve|starving|bite|biting|choke|choking)\s+{_SELF}\b",
        r"\bself[\s-]*(?:harm|harming|injury|injure|mutilat\w*)\b.*\b(?:i|i'?m|been|again|started|keep)\b",
        r"\b(?:i|i'?ve|been|started|keep)\b.*\bself[\s-]*(?:harm|harming|injury|mutilat\w*)\b",
        r"\b(?:started|start|keep|been)\s+cutting\b",
        r"\b(?:can'?t|cannot|can\s+not|couldn'?t)\s+stop\s+(?:cutting|burning|hurting|scratching|hitting)\b(?!\s+(?:corners|back|down|costs|hair|my\s+hair))",
        r"\bcutting\s+again\b",
        r"\b(?:carved|carving|cut|cutting|burned|burning|scratched|scratching)\s+(?:\w+\s+)?(?:into|in)\s+my\s+(?:arm|arms|thigh|thighs|leg|legs|wrist|wrists|skin|stomach)\b",
        r"\b(?:sh'?ing|self\s*harming)\s+again\b|\brelapsed\b.*\b(?:self\s*harm|cut\w*|sh)\b",
        r"\b(?:on\s+purpose)\b.*\b(?:punch\w*|hit\w*|slam\w*|broke|burn\w*|cut\w*)\b|\b(?:punch\w*|hit\w*|slam\w*|broke|burn\w*)\b.*\bon\s+purpose\b",
        r"\b(?:starving|starve)\s+myself\b",
        r"\b(?:cut|cutting|scratch\w*|burn\w*|carv\w*)\s+(?:my\s+)?(?:arms?|legs?|wrists?|thighs?|skin|stomach)\b.*\b(?:until|till|til|bled|bleed|bleeding|on\s+purpose)\b",
        # "I'm scared I'll do something to myself".
        rf"\bdo\s+(?:something|anything|things)\s+to\s+{_SELF}\b",
    ],
    "harm_to_others": [
        rf"\b(?:kill|killing|kil|murder|murdering|shoot|shooting|stab|stabbing|strangle|beat)\s+(?:him|her|them|someone|somebody|some\s+one|people|everyone|everybody|my\s+{_PERSON}|the\s+{_PERSON}|that\s+(?:guy|man|woman|bitch|bastard|person)|this\s+(?:guy|man|woman|person)|a\s+(?:guy|man|woman|person|kid|child))\b",
        r"\b(?:want|wish|need)\s+(?:him|her|them)\s+dead\b",
        r"\b(?:drive|driving|crash|crashing|plow|plowing)\s+(?:my\s+car\s+|a\s+car\s+|the\s+car\s+)?into\s+(?:a|the)\s+(?:crowd|people|school|store)\b",
        r"\b(?:gun|knife|bat|weapon)\b.*\b(?:know\s+where\s+(?:he|she|they|the\s+[\w\s]{1,40}?)\s+lives?|when\s+(?:he|she|they)\s+gets?\s+home)\b",
        r"\b(?:hurt|hurting|harm|harming|attack|beat\s+up)\s+(?:someone|somebody|some\s+one|people|everyone|everybody|others|my\s+(?:kids?|children|son|daughter|wife|husband|partner|mom|mother|dad|father|baby|boss|family|roommate|coworker|neighbou?r|sister|brother|girlfriend|boyfriend|friend|teacher|ex))\b",
        r"\bshoot\s+up\s+(?:my|the|a|our)\s+\w+",
        r"\b(?:is|are|keeps?)\s+(?:beating|hitting|choking|strangling)\s+(?:me|my\s+\w+|her|him|us)\b",
        r"\b(?:want|wanna|going|gonna|feel\s+like)\s+(?:to\s+)?(?:hurt|kill|shoot|stab)\s+(?:him|her|them)\b",
        # Danger from someone else is an emergency too.
        r"\b(?:he|she|they|someone|somebody|my\s+\w+)(?:\s+is\s+|'s\s+|\s+s\s+|\s+are\s+|'re\s+|\s+has\s+|\s+)(?:going\s+to|gonna|will|wants?\s+to|threaten(?:ed|s|ing)\s+to|tried\s+to|trying\s+to|coming\s+(?:over\s+|here\s+)?to)\s+(?:kill|hurt|beat|shoot|stab)\s+me\b",
        r"\b(?:he|she|they|someone|somebody|my\s+\w+)\s+(?:hit|hits|beat|beats|choked|chokes|strangled)\s+me\b",
        r"\b(?:said|says|told\s+me|swore|swears)\s+(?:that\s+)?(?:he|she|they)\s*(?:'d|'ll|would|will|is\s+going\s+to|was\s+going\s+to|'s\s+going\s+to|gonna)\s+(?:kill|hurt|beat|shoot|stab)\s+me\b",
        r"\bthreaten(?:s|ed|ing)?\s+(?:me|us|my\s+(?:kids?|children|son|daughter|baby|family|life))\b",
        r"\b(?:i'?m|i\s+am|im|we'?re|we\s+are|my\s+life\s+is|my\s+(?:kids?|children|son|daughter|baby)\s+(?:is|are))\s+in\s+danger\b"
        r"(?!\s+of\s+(?:losing|missing|failing|being\s+late|running|getting\s+fired))",
    ],
    "medical_emergency": [
        r"\b(?:took|taken|swallowed|downed|drank)\s+(?:a|the|an)\s+(?:whole\s+|full\s+|entire\s+)?bottle\s+of\b",
        r"\b(?:vomiting|throwing\s+up|coughing\s+up)\s+blood\b",
        r"\bcan'?t\s+feel\s+(?:the\s+)?(?:left|right)\s+side\b|\bspeech\s+is\s+slurred\b|\bslurr?ing\s+my\s+words\b",
        r"\bworst\s+headache\s+of\s+my\s+life\b",
        r"\b(?:had|having)\s+a\s+seizure\b.*\b(?:confused|can'?t|pounding|now)\b",
        rf"\b(?:took|taken|swallowed|ate|downed|popped)\s+(?:like\s+|about\s+|around\s+|maybe\s+)?[1-9]\d+\s+(?:of\s+)?(?:my\s+|her\s+|his\s+)?(?:\w+\s+)?{_DRUG}?\b.*\b(?:ago|shaking|dizzy|sick|throwing\s+up|vomiting|feel|tonight|now)\b",
        r"\b(?:doubled|tripled)\s+(?:my|the)\s+\w+\b.*\b(?:throwing\s+up|vomiting|confused|dizzy|shaking)\b",
        r"\b(?:half|most)\s+(?:a|of\s+a|of\s+the|the)\s+bottle\b.*\b(?:took|swallowed|drank|with)\b|\b(?:swallowed|took|drank)\s+(?:half|most)\s+(?:a|of\s+a|of\s+the|the)\s+bottle\b",
        r"\bchest\s+(?:hurts|is\s+hurting|feels\s+(?:tight|crushed|heavy))\b(?!\s+(?:when|if|after|during|sometimes|occasionally))|\b(?:it'?s|having|this\s+is)\s+a\s+heart\s+attack\b",
        r"\b(?:chest\s+pains?|can'?t\s+breathe?|cannot\s+breathe?|trouble\s+breathing|struggling\s+to\s+breathe|not\s+breathing|stopped\s+breathing)\b"
        r"(?!\s+(?:through|out\s+of|with)\s+(?:my\s+|one\s+|the\s+)?(?:nose|nostrils?))",
        # "my mom isn't breathing" (held out by `make evaluate`, it was read as a feeling).
        r"\b(?:isn'?t|is\s*nt|aren'?t|wasn'?t|doesn'?t\s+seem\s+to\s+be|barely)\s+breathing\b",
        r"\b(?:i\s*(?:'m|am)|im|i\s+think\s+i'?m|he'?s|she'?s|they'?re|someone'?s|someone\s+is|is)\s+having\s+a\s+(?:heart\s+attack|stroke|seizure)\b",
        r"\bsomeone\s+(?:is\s+)?having\s+a\s+seizure\b",
        rf"\b(?:took|taken|swallowed|swallowing|taking|ate|downed|popped)\s+(?:a\s+(?:bunch|lot|handful|whole)|all|too\s+many|too\s+much|(?:the|a|my|his|her|an)\s+(?:whole|entire))\b.*\b{_DRUG}\b",
        rf"\b(?:took|taken|swallowed|ate|downed|popped)\s+[1-9]\d+\s+(?!mg|mcg|ml|milligrams?)(?:\w+\s+)?{_DRUG}\b",
        rf"\btook\s+all\s+(?:of\s+)?(?:my|her|his|their|the)\s+{_DRUG}\b",
        rf"\bmixed\s+(?:all\s+|a\s+bunch\s+of\s+)?(?:my\s+|the\s+)?{_DRUG}\s+(?:with|and)\s+(?:alcohol|vodka|booze|wine|liquor|whiskey|drinks?)\b",
        rf"\b(?:drank|drunk)\s+(?:a|the|half\s+a|a\s+whole|an\s+entire)\s+(?:bottle|fifth|handle)\b.*\b{_DRUG}\b",
        r"\b(?:took|taken|swallowed)\s+\d+\s+(?:\w+\s+)?(?:pills?|tablets?|capsules?)\b",
        r"\b(?:overdosed|overdosing|od'?d|od'?ing)\b(?!\s+on\s+(?:co+f+e+|caf+e+ine|sugar|candy|chocolate|netflix|tv|memes|work|love|pizza))",
        r"\b(?:swallowed|drank|drunk|ate|took|ingested)\s+(?:some\s+)?(?:bleach|poison|antifreeze|rat\s+poison|drain\s+cleaner|lye|pesticide|weed\s*killer)\b",
        r"\b(?:face|mouth)\s+(?:is\s+)?droop\w*|\bcan'?t\s+(?:feel|move)\s+my\s+(?:arm|leg|face|left\s+side|right\s+side)\b",
        r"\bbleeding\b.*\b(?:can'?t|cannot|won'?t)\s+(?:stop|make\s+it\s+stop)\b|\bwon'?t\s+stop\s+bleeding\b",
        # Someone is unconscious; not a question about sedation ("will I be unconscious during
        # the infusion?") or about waking early ("I won't wake up that early").
        r"\b(?:passed\s+out|isn'?t\s+waking\s+up|not\s+waking\s+up|bleeding\s+(?:a\s+lot|heavily|badly|everywhere))\b",
        r"\bwon'?t\s+wake\s+up\b(?!\s+(?:that|so|early|in\s+time|before|at|for|until|till|on\s+time))",
        r"\b(?:is|are|was|were|'s|s|he'?s|she'?s|found\s+\w+|went|lying|lay|knocked)\s+unconscious\b|\bunconscious\s+on\s+the\s+(?:floor|ground|bed|couch)\b",
    ],
}

# Words that signal a crisis when the visitor speaks about themselves or someone close.
TOPIC_WORDS: dict[str, str] = {
    # "Dark thoughts" is a common way to say suicidal thoughts; a general question about them
    # ("does ketamine help with dark thoughts?") still gets the factual answer.
    "suicidal_ideation": r"\b(?:suicid\w*|sucid\w*|suisid\w*|suicd\w*|sewerslide|unaliv\w*|"
    r"self[\s-]*destruct\w*|dark\s+thoughts?)\b",
    "self_harm": r"\bself[\s-]*(?:harm\w*|injur\w*|mutilat\w*)\b",
    "medical_emergency": r"\b(?:overdose|over\s+dose|\bod\b)\b",
}

_PERSONAL = re.compile(
    r"\b(?:i|i'?m|im|i'?ve|ive|i'?d|i'?ll|me|my|myself|mine|we|we'?re|our|us|"
    r"he|he'?s|she|she'?s|they'?re|him|her|son|daughter|husband|wife|partner|friend|"
    r"brother|sister|mom|dad|mother|father|kid|child|boyfriend|girlfriend)\b"
)
_GENERAL_QUESTION = re.compile(
    r"^(?:does|do|did|can|could|is|are|was|will|would|should|what|whats|what's|how|why|when|"
    r"which|who|tell\s+me|any|info|information|question)\b"
)

# Everyday figures of speech. They never override a rule above; they only stop the trained
# classifier from calling "I'm so hungry I could die" a crisis on its own.
FIGURATIVE = [
    r"\b(?:dying|die|dead)\s+(?:to|of|for)\s+(?:know|try|see|hear|find|get|ask|laughing|laughter|boredom|embarrassment|hunger|thirst)\b",
    r"\b(?:hungry|tired|bored|embarrassed|thirsty|hot|cold|full|excited|nervous)\b.*\b(?:could|gonna|going\s+to|will|might)\s+(?:die|drop\s+dead)\b",
    r"\b(?:is|are|was|s|'s|'re)\s+killing\s+me\b|\bkills\s+me\b|\bkilled\s+it\b|\bkilling\s+it\b",
    r"\bto\s+die\s+for\b|\bdead\s+tired\b|\bdying\s+laughing\b|\bi'?m\s+dead\s+(?:lol|lmao|haha)",
    r"\boverdos(?:ed|ing)\s+on\s+(?:co+f+e+|caf+e+ine|sugar|candy|chocolate|netflix|tv|memes|work|pizza)\b",
    r"\bcould\s+(?:kill|murder)\s+(?:for|a)\b",
    # Everyday idioms: "my commute is murder", "this job will be the death of me", "drowning
    # in paperwork", "jump on a call".
    r"\b(?:is|was|are|'s|been)\s+(?:absolute\s+|pure\s+|sheer\s+)?murder\b",
    r"\bthe\s+(?:death|end)\s+of\s+me\b",
    r"\bdrowning\s+in\s+(?:work|paperwork|emails?|bills|debt|homework|laundry|meetings|deadlines|tasks|forms|admin)\b",
    r"\b(?:jump|hop)\s+on\s+(?:a|the)\s+(?:quick\s+)?(?:call|zoom|phone|meeting|bandwagon)\b",
    r"\bshoot(?:ing)?\s+for\s+(?:a|an|the|early|late|next|this|morning|afternoon|evening)\b",
    # Shock at a sight: "i almost fainted when i saw my phone bill", "my heart stopped when i
    # saw the rent". Only the past and a "when" or "at" clause: "i'm about to faint" stays.
    r"\b(?:almost|nearly|about)\s+(?:fainted|passed\s+out|died|had\s+a\s+(?:heart\s+attack|stroke))\s+(?:when|at|after\s+seeing)\b",
    r"\bheart\s+(?:stopped|skipped\s+a\s+beat|sank|dropped)\s+(?:when|at)\b",
    # A break-up: "thinking about ending things with my boyfriend".
    r"\bend(?:ing|ed)?\s+(?:things|it)\s+with\s+(?:my|him|her|them|a)\b",
]
_COMPILED_FIGURATIVE = [re.compile(pattern) for pattern in FIGURATIVE]

# A visitor who says outright that they are safe ("I've been in a dark place but I'm safe",
# "scraped my knee, no big deal"). Like the figures above, this only keeps the classifier from
# raising the alarm on its own: a rule match is a crisis whatever else the message says.
SAFETY_STATEMENTS = [
    r"\b(?:but|and|though|although|however)\s+(?:i'?m|im|i\s+am)\s+(?:safe|fine|ok|okay|alright|all\s+right)\b",
    r"^(?:i'?m|im|i\s+am)\s+(?:totally\s+|completely\s+)?safe\b",
    r"\b(?:i'?m|im|i\s+am)\s+not\s+in\s+(?:any\s+)?danger\b",
    r"\bno\s+big\s+deal\b|\bnothing\s+serious\b",
]
_COMPILED_SAFETY = [re.compile(pattern) for pattern in SAFETY_STATEMENTS]
# "I don't know if I'm safe", "not sure I'm ok": doubt turns the statement around.
_SAFETY_DOUBT = re.compile(
    r"\b(?:not|don'?t|dont|never|no\s+longer|can'?t|cant|unsure|if|whether)\s+(?:[\w']+\s+){0,3}"
    r"(?:safe|fine|ok|okay|alright)\b"
)
# The figures taken out before the rules: what someone "dies" of is harmless ("I want to die
# of embarrassment", "dying to know the price"), and so is a thing that "is murder". Narrow on
# purpose: "die of shame" or "dying to get out" stay with the rules, and the rest of the message
# is still read.
_HARMLESS_DEATH_FIGURE = re.compile(
    r"\b(?:die|dying|died|dead)\s+(?:of|from)\s+(?:embarrassment|laughter|laughing|boredom|"
    r"cringe|curiosity|hunger|thirst|cuteness)\b|\bdying\s+to\s+(?:know|try|see|hear|ask|meet)\b"
    r"|\b(?:is|was|are|'s)\s+(?:absolute\s+|pure\s+|sheer\s+)?murder\b"
    # Shock at a sight: "i nearly passed out when i saw the bill".
    r"|\b(?:almost|nearly)\s+(?:fainted|passed\s+out|died|had\s+a\s+heart\s+attack)\s+(?:when|at|after)\b"
)

# Likewise a question whether a treatment harms a pregnancy ("could TMS hurt my baby?"):
# the subject is the treatment, never a person, so "I might hurt my baby" still matches.
_TREATMENT_HARM_QUESTION = re.compile(
    r"\b(?:tms|spravato|esketamine|ketamine|treatments?|pulses?|magnets?|infusions?|spray|"
    r"medications?|meds|antidepressants?|it|this|that)\s+(?:\w+\s+)?(?:hurt|harm|affect|damage)\s+"
    r"(?:my|the|our)\s+(?:unborn\s+)?(?:baby|babies|fetus|foetus|pregnancy)\b"
)

_COMPILED_DISCLOSURES = {
    category: [re.compile(pattern) for pattern in patterns]
    for category, patterns in DISCLOSURES.items()
}
_COMPILED_TOPICS = {category: re.compile(pattern) for category, pattern in TOPIC_WORDS.items()}


@dataclass(frozen=True)
class CrisisMatch:
    category: str
    rule: str


def normalise(text: str) -> str:
    """Lower-case, straight apostrophes, no accents, letters repeated at most twice; letters of
    every script are kept (the Spanish rules and the language judgement read them)."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.lower()
    text = re.sub(r"(\w)\1{2,}", r"\1\1", text)  # "dieeee" -> "diee", "sooo" -> "soo"
    text = re.sub(r"[.!?;]+", " . ", text)
    text = re.sub(r"[^\w'\s.-]|_", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_TREATMENT_TOPIC = re.compile(
    r"\b(?:spravato|esketamine|ketamine|tms|antidepressants?|ssris?|treatments?|therapy|fda|label|"
    r"approved|approval|clinical|studies|study|research|medication|drug)\b"
)


def is_topic_question(text: str) -> bool:
    """A question or phrase about a subject, with no first-person or family reference.

    "does Spravato help with suicidal thoughts?", "ketamine for suicidal depression".
    """
    normalised = normalise(text)
    if _PERSONAL.search(normalised):
        return False
    return bool(_GENERAL_QUESTION.match(normalised) or _TREATMENT_TOPIC.search(normalised))


def is_figurative(text: str) -> bool:
    normalised = normalise(text)
    return any(pattern.search(normalised) for pattern in _COMPILED_FIGURATIVE)


def states_safety(text: str) -> bool:
    """The visitor says they are safe, with no doubt about it in the same message."""
    normalised = normalise(text)
    if _SAFETY_DOUBT.search(normalised):
        return False
    return any(pattern.search(normalised) for pattern in _COMPILED_SAFETY)


def detect_crisis(text: str) -> CrisisMatch | None:
    """The first crisis rule the message matches, or None."""
    if not text:
        return None
    normalised = _TREATMENT_HARM_QUESTION.sub(" ", _HARMLESS_DEATH_FIGURE.sub(" ", normalise(text)))
    # Repeated letters are folded to two, so also try them folded to one ("dyying" -> "dying").
    variants = {normalised, re.sub(r"(\w)\1", r"\1", normalised)}
    for variant in variants:
        for category, patterns in _COMPILED_DISCLOSURES.items():
            for pattern in patterns:
                if pattern.search(variant):
                    return CrisisMatch(category, pattern.pattern)
    for variant in variants:
        if is_topic_question(variant):
            continue
        for category, pattern in _COMPILED_TOPICS.items():
            if pattern.search(variant):
                return CrisisMatch(category, pattern.pattern)
    return None
