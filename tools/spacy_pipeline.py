"""Build the project's own spaCy pipeline (no download is possible here).

A blank English tokenizer plus an entity ruler fed from project data: treatment names with
their common misspellings (tools/spacy_patterns.jsonl) and the home state's city names from the
offline postal data. Rasa's SpacyNLP loads it from the output folder (see config.yml).

    python -m tools.spacy_pipeline --patterns tools/spacy_patterns.jsonl --out build/spacy-en
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from clinic.places import CHAT_WORD_TOWNS, CITY_ALIASES, home_state_city_names


def city_patterns() -> list[dict[str, Any]]:
    names = home_state_city_names() + [alias for alias in CITY_ALIASES if "." not in alias]
    names = [name for name in names if name.lower() not in CHAT_WORD_TOWNS]
    return [
        {"label": "city", "pattern": [{"LOWER": word} for word in name.lower().split()]}
        for name in names
    ]


def build(patterns_file: Path) -> Language:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    treatment_patterns = [
        json.loads(line) for line in patterns_file.read_text().splitlines() if line.strip()
    ]
    ruler.add_patterns(treatment_patterns + city_patterns())  # type: ignore[attr-defined]  # get_pipe is typed as the base Pipe
    return nlp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patterns", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    nlp = build(args.patterns)
    nlp.meta["name"] = "clinic_en"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    ruler: Any = nlp.get_pipe("entity_ruler")  # an EntityRuler, whose length is its patterns
    print(f"Saved spaCy pipeline '{nlp.meta['name']}' with {len(ruler)} patterns to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
