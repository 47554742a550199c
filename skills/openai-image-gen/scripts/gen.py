#!/usr/bin/env python3
"""Generate images with the OpenAI Images API and write them plus an index.html gallery.

Standard library only. One request per prompt (and per --count batch); images are saved
as files, never printed, so a chat transcript stays small.
"""
import argparse
import base64
import html
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

# Not OPENAI_BASE_URL: ClawdBot users often point that at a local chat-only server.
DEFAULT_BASE = "https://api.openai.com/v1"

# Sizes each model accepts (from the Images API reference); checked before spending money.
SIZES = {
    "gpt-image-1": {"auto", "1024x1024", "1536x1024", "1024x1536"},
    "gpt-image-1-mini": {"auto", "1024x1024", "1536x1024", "1024x1536"},
    "dall-e-3": {"1024x1024", "1792x1024", "1024x1792"},
    "dall-e-2": {"256x256", "512x512", "1024x1024"},
}


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:48] or "image"


def build_request(args, prompt: str, n: int) -> dict:
    body = {"model": args.model, "prompt": prompt, "n": n, "size": args.size}
    if args.model.startswith("gpt-image"):
        if args.quality:
            body["quality"] = args.quality
        if args.background:
            body["background"] = args.background
        body["output_format"] = args.format
    else:
        # dall-e models return URLs unless asked for base64; base64 avoids a second download.
        body["response_format"] = "b64_json"
        if args.model == "dall-e-3":
            if args.quality:
                body["quality"] = args.quality
            if args.style:
                body["style"] = args.style
    return body


def post(url: str, body: dict, key: str) -> dict:
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=300) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as err:
        detail = err.read().decode(errors="replace")
        try:
            detail = json.loads(detail)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            pass
        sys.exit(f"OpenAI API error {err.code}: {detail}")


def write_gallery(out_dir: str, items: list) -> str:
    cards = "\n".join(
        f'<figure><a href="{html.escape(f)}"><img src="{html.escape(f)}" loading="lazy"></a>'
        f"<figcaption>{html.escape(p)}</figcaption></figure>"
        for f, p in items
    )
    page = (
        "<!doctype html><meta charset=utf-8><title>Generated images</title>"
        "<style>body{font-family:sans-serif;display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));"
        "gap:16px;padding:16px}img{width:100%;border-radius:8px}figcaption{font-size:13px;color:#444}</style>"
        f"{cards}"
    )
    path = os.path.join(out_dir, "index.html")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(page)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("prompts", nargs="*", help="one or more prompts (each becomes its own image set)")
    ap.add_argument("--prompts-file", help="file with one prompt per line (blank lines and # comments skipped)")
    ap.add_argument("--model", default="gpt-image-1", help="gpt-image-1 (default), gpt-image-1-mini, dall-e-3, dall-e-2")
    ap.add_argument("--size", default=None, help="e.g. 1024x1024, 1536x1024, 1024x1536, auto (model-dependent)")
    ap.add_argument("--quality", help="gpt-image: low|medium|high|auto; dall-e-3: standard|hd")
    ap.add_argument("--style", help="dall-e-3 only: vivid|natural")
    ap.add_argument("--background", help="gpt-image only: transparent|opaque|auto (transparent needs png or webp)")
    ap.add_argument("--format", default="png", help="gpt-image only: png|jpeg|webp (default png)")
    ap.add_argument("--count", type=int, default=1, help="images per prompt (dall-e-3 allows only 1)")
    ap.add_argument("--out-dir", default=None, help="output folder (default ./openai-images-<timestamp>)")
    ap.add_argument("--base-url", default=DEFAULT_BASE, help="API base URL (default %(default)s)")
    ap.add_argument("--dry-run", action="store_true", help="print the request bodies and exit; nothing is sent")
    args = ap.parse_args()

    prompts = list(args.prompts)
    if args.prompts_file:
        with open(args.prompts_file, encoding="utf-8") as fh:
            prompts += [l.strip() for l in fh if l.strip() and not l.lstrip().startswith("#")]
    if not prompts:
        ap.error("give at least one prompt (argument or --prompts-file)")

    if args.size is None:
        args.size = "1024x1024"
    allowed = SIZES.get(args.model)
    if allowed and args.size not in allowed:
        ap.error(f"--size {args.size} is not valid for {args.model}; use one of {sorted(allowed)}")
    if args.model == "dall-e-3" and args.count != 1:
        ap.error("dall-e-3 generates one image per request; use --count 1")
    if not 1 <= args.count <= 10:
        ap.error("--count must be between 1 and 10")

    url = args.base_url.rstrip("/") + "/images/generations"
    bodies = [build_request(args, p, args.count) for p in prompts]
    if args.dry_run:
        print(json.dumps({"url": url, "requests": bodies}, indent=2))
        return

    key = os.environ.get("OPENAI_API_KEY")
    if not key:
        sys.exit("OPENAI_API_KEY is not set")
    out_dir = args.out_dir or f"openai-images-{time.strftime('%Y%m%d-%H%M%S')}"
    os.makedirs(out_dir, exist_ok=True)
    ext = args.format if args.model.startswith("gpt-image") else "png"

    items = []
    for i, (prompt, body) in enumerate(zip(prompts, bodies), start=1):
        print(f"[{i}/{len(prompts)}] {prompt[:70]}", file=sys.stderr)
        data = post(url, body, key).get("data", [])
        for j, entry in enumerate(data, start=1):
            name = f"{i:03d}-{slug(prompt)}-{j}.{ext}"
            with open(os.path.join(out_dir, name), "wb") as fh:
                fh.write(base64.b64decode(entry["b64_json"]))
            items.append((name, entry.get("revised_prompt") or prompt))
            print(os.path.join(out_dir, name))
    print(write_gallery(out_dir, items))


if __name__ == "__main__":
    main()
