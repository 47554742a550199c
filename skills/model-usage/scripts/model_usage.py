#!/usr/bin/env python3
"""Summarise CodexBar's local cost JSON per model.

CodexBar's `cost` command reports cost per day with a per-model breakdown; this script
adds those up so "which model cost what" is one call. Reads the JSON from `codexbar`
itself, a file, or stdin. Standard library only, so it runs with any python3.
"""
import argparse
import json
import subprocess
import sys
from collections import defaultdict


def load(args):
    if args.input == "-":
        return json.load(sys.stdin)
    if args.input:
        with open(args.input, encoding="utf-8") as handle:
            return json.load(handle)
    command = ["codexbar", "cost", "--format", "json", "--provider", args.provider]
    try:
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    except FileNotFoundError:
        sys.exit("codexbar is not on PATH; pass --input FILE with saved `codexbar cost --format json` output")
    except subprocess.CalledProcessError as error:
        sys.exit(f"codexbar failed ({error.returncode}): {error.stderr.strip()}")
    return json.loads(out)


def providers(payload, wanted):
    # The payload is a list with one entry per provider; accept a single object too.
    entries = payload if isinstance(payload, list) else [payload]
    return [e for e in entries if wanted in ("all", None) or e.get("provider") == wanted]


def summarise(entry, days):
    daily = sorted(entry.get("daily") or [], key=lambda d: d.get("date", ""))
    if days:
        daily = daily[-days:]
    per_model = defaultdict(float)
    current = None
    for day in daily:
        breakdowns = day.get("modelBreakdowns") or []
        for item in breakdowns:
            per_model[item.get("modelName", "?")] += float(item.get("cost") or 0)
        if breakdowns:
            # The day's most expensive model stands for "the model in use" that day.
            current = max(breakdowns, key=lambda b: float(b.get("cost") or 0)).get("modelName")
        elif day.get("modelsUsed"):
            current = day["modelsUsed"][-1]
    return {
        "provider": entry.get("provider"),
        "from": daily[0].get("date") if daily else None,
        "to": daily[-1].get("date") if daily else None,
        "currentModel": current,
        "models": sorted(
            ({"model": m, "costUSD": round(c, 4)} for m, c in per_model.items()),
            key=lambda r: -r["costUSD"],
        ),
        "totalCostUSD": round(sum(per_model.values()), 4),
    }


def main():
    parser = argparse.ArgumentParser(description="Per-model cost from `codexbar cost --format json`.")
    parser.add_argument("--provider", default="all", help="codex, claude or all (default all)")
    parser.add_argument("--input", help="read this JSON file instead of running codexbar ('-' = stdin)")
    parser.add_argument("--days", type=int, default=0, help="only the last N days that have data")
    parser.add_argument("--mode", choices=["all", "current"], default="all",
                        help="all models, or only the most recent day's main model")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args()

    results = [summarise(e, args.days) for e in providers(load(args), args.provider)]
    if args.format == "json":
        json.dump(results if args.mode == "all" else [
            {"provider": r["provider"], "currentModel": r["currentModel"], "to": r["to"]} for r in results
        ], sys.stdout, indent=2)
        print()
        return
    for r in results:
        print(f"{r['provider']}: {r['from']} .. {r['to']}, current model: {r['currentModel'] or 'unknown'}")
        if args.mode == "all":
            for row in r["models"]:
                print(f"  {row['model']:<40} ${row['costUSD']:.2f}")
            print(f"  {'total':<40} ${r['totalCostUSD']:.2f}")


if __name__ == "__main__":
    main()
