#!/usr/bin/env python3
"""Check skill folders against ClawdBot's SKILL.md rules; print problems, exit 1 if any.

Usage: check-skill.py <skill-folder> [<skill-folder> ...]

Frontmatter keys are single-line (`key: value`), as the loader reads them; `metadata` is
one line of JSON under a `clawdbot` (or `openclaw` / `moltbot`) key.
"""
import json
import re
import sys
from pathlib import Path

TOP_KEYS = {"name", "description", "homepage", "metadata", "user-invocable", "disable-model-invocation"}
META_KEYS = {"emoji", "always", "os", "requires", "primaryEnv", "install", "skillKey", "homepage"}
REQUIRES_KEYS = {"bins", "anyBins", "env", "config"}
INSTALL_KEYS = {"id", "kind", "label", "bins", "os", "formula", "package", "module", "url",
                "archive", "extract", "stripComponents", "targetDir"}
INSTALL_KINDS = {"brew", "node", "go", "uv", "download", "apt"}
OS_NAMES = {"darwin", "linux", "win32"}
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def check(folder: Path) -> list:
    problems = []
    skill_md = folder / "SKILL.md"
    if not skill_md.is_file():
        return [f"{folder}: no SKILL.md"]
    text = skill_md.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    if not match:
        return [f"{skill_md}: must start with a '---' frontmatter block closed by '---'"]
    head, body = match.groups()

    fields = {}
    for line in head.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
        if not m:
            problems.append(f"frontmatter line is not 'key: value' on one line: {line[:60]!r}")
            continue
        key, value = m.groups()
        if key not in TOP_KEYS:
            problems.append(f"unknown frontmatter key: {key}")
        fields[key] = value.strip()

    name = unquote(fields.get("name", ""))
    if not name:
        problems.append("name is missing")
    elif name != folder.name:
        problems.append(f"name {name!r} differs from the folder name {folder.name!r}")
    elif not NAME_RE.match(name):
        problems.append("name must be lowercase words joined by '-'")

    description = unquote(fields.get("description", ""))
    if not description:
        problems.append("description is missing")
    elif len(description) > 300:
        problems.append(f"description is {len(description)} characters (max 300)")
    if re.search(r":\s", description) and not fields.get("description", "").startswith(("'", '"')):
        problems.append("description contains ': ' - YAML reads that as a mapping; rephrase or quote it")

    for flag in ("user-invocable", "disable-model-invocation"):
        if flag in fields and fields[flag] not in ("true", "false"):
            problems.append(f"{flag} must be true or false")

    if "metadata" in fields:
        try:
            meta = json.loads(fields["metadata"])
        except ValueError as err:
            problems.append(f"metadata is not one line of valid JSON: {err}")
            meta = {}
        keys = [k for k in ("clawdbot", "openclaw", "moltbot") if k in meta]
        if len(keys) != 1 or len(meta) != 1:
            problems.append("metadata must be {\"clawdbot\": {...}} (one key)")
        inner = meta.get(keys[0], {}) if keys else {}
        for key in inner:
            if key not in META_KEYS:
                problems.append(f"unknown metadata key: {key}")
        for os_name in inner.get("os", []):
            if os_name not in OS_NAMES:
                problems.append(f"unknown os: {os_name}")
        for key in inner.get("requires", {}):
            if key not in REQUIRES_KEYS:
                problems.append(f"unknown requires key: {key}")
        for spec in inner.get("install", []):
            for key in spec:
                if key not in INSTALL_KEYS:
                    problems.append(f"unknown install key: {key}")
            if spec.get("kind") not in INSTALL_KINDS:
                problems.append(f"install kind must be one of {sorted(INSTALL_KINDS)}")

    lines = body.splitlines()
    if len(lines) < 40:
        problems.append(f"body has {len(lines)} lines (at least 40)")
    if re.search(r"\b(TODO|TBD|FIXME|lorem ipsum)\b", body, re.I):
        problems.append("body contains placeholder text (TODO/TBD/FIXME/lorem ipsum)")
    if body.count("```") % 2:
        problems.append("unbalanced ``` code fences")
    return [f"{skill_md}: {p}" for p in problems]


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if len(sys.argv) >= 2 else 2)
    problems = []
    for arg in sys.argv[1:]:
        found = check(Path(arg).resolve())
        problems += found
        print(f"{'FAIL' if found else 'ok  '} {arg}")
    for p in problems:
        print("  " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
