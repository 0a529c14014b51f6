from pathlib import Path

from tools.setup.make_env_file import main


def test_new_env_gets_random_secrets_and_private_mode(tmp_path: Path) -> None:
    example = tmp_path / ".env.example"
    example.write_text("# comment\nSECRET_KEY=generate-me\nAPI_PORT=8000\n")
    target = tmp_path / ".env"
    main(str(example), str(target))
    values = dict(line.split("=", 1) for line in target.read_text().splitlines() if "=" in line)
    assert values["API_PORT"] == "8000"
    assert values["SECRET_KEY"] != "generate-me" and len(values["SECRET_KEY"]) >= 32
    assert target.stat().st_mode & 0o777 == 0o600


def test_existing_env_keeps_values_and_gains_new_settings(tmp_path: Path) -> None:
    example = tmp_path / ".env.example"
    example.write_text("SECRET_KEY=generate-me\nAPI_PORT=8000\nOUTBOX_DIR=var/outbox\n")
    target = tmp_path / ".env"
    target.write_text("SECRET_KEY=mine\nAPI_PORT=9000\n")
    main(str(example), str(target))
    assert target.read_text() == "SECRET_KEY=mine\nAPI_PORT=9000\nOUTBOX_DIR=var/outbox\n"
