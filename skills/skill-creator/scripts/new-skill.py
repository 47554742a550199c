#!/usr/bin/env python3
"""Create a new skill folder with a SKILL.md skeleton in ClawdBot's format.

Usage: new-skill.py <name> --description "..." [--dir DIR] [--bins a,b] [--any-bins a,b]
                    [--env A,B] [--primary-env A] [--os darwin,linux] [--emoji E]
                    [--homepage URL] [--with-scripts] [--with-references]

DIR defaults to ./skills (put it in <workspace>/skills to use it right away). The body
gets the standard sections; write them before use (check-skill.py wants 40+ lines).
"""
import argparse
import json
import re
import sys
from pathlib import Path


def csv(value):
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name")
    ap.add_argument("--description", required=True)
    ap.add_argument("--dir", default="skills")
    ap.add_argument("--bins")
    ap.add_argument("--any-bins")
    ap.add_argument("--env")
    ap.add_argument("--primary-env")
    ap.add_argument("--os")
    ap.add_argument("--emoji")
    ap.add_argument("--homepage")
    ap.add_argument("--with-scripts", action="store_true")
    ap.add_argument("--with-references", action="store_true")
    args = ap.parse_args()

    if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", args.name):
        ap.error("name: lowercase letters, digits and single dashes, e.g. 'pdf-tools'")
    if len(args.description) > 300:
        ap.error(f"description is {len(args.description)} characters; keep it at most 300")
    if re.search(r":\s", args.description):
        ap.error("description must not contain ': ' (YAML would read it as a mapping)")

    folder = Path(args.dir) / args.name
    if folder.exists():
        sys.exit(f"{folder} already exists; not touching it")

    meta = {}
    if args.emoji:
        meta["emoji"] = args.emoji
    if args.os:
        meta["os"] = csv(args.os)
    requires = {k: v for k, v in (("bins", csv(args.bins)), ("anyBins", csv(args.any_bins)), ("env", csv(args.env))) if v}
    if requires:
        meta["requires"] = requires
    if args.primary_env:
        meta["primaryEnv"] = args.primary_env

    head = ["---", f"name: {args.name}", f"description: {args.description}"]
    if args.homepage:
        head.append(f"homepage: {args.homepage}")
    if meta:
        head.append("metadata: " + json.dumps({"clawdbot": meta}, ensure_ascii=False, separators=(",", ":")))
    head.append("---")

    title = args.name.replace("-", " ").title()
    body = [
        "", f"# {title}", "",
        "What the tool or API is for, in two or three sentences, and when to prefer it.", "",
        "## Install", "",
        "- macOS: ...", "- Linux: ...", "",
        "```bash safe", f"{(csv(args.bins) or ['echo'])[0]} --help", "```", "",
        "## Common jobs", "",
        "```bash", "# exact commands with real flags, one job per block", "```", "",
        "## Pitfalls", "",
        "- ...", "",
        "## Confirm with the user first", "",
        "Irreversible or public actions that need an explicit yes.",
    ]
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text("\n".join(head + body) + "\n", encoding="utf-8")
    if args.with_scripts:
        (folder / "scripts").mkdir()
    if args.with_references:
        (folder / "references").mkdir()
    print(folder / "SKILL.md")


if __name__ == "__main__":
    main()
