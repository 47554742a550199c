#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = []
# ///
"""Generate or edit images with Gemini 3 Pro Image ("Nano Banana Pro") via the Gemini API.

One generateContent call: the prompt plus optional reference images in, image parts out,
saved to --out. Standard library only (urllib), so `uv run` needs no downloads.
"""
import argparse
import base64
import json
import mimetypes
import os
import sys
import urllib.error
import urllib.request

BASE_URL = os.environ.get("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com/v1beta")
DEFAULT_MODEL = "gemini-3-pro-image-preview"
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}


def build_body(prompt, inputs, aspect_ratio, size):
    parts = [{"text": prompt}]
    for path in inputs:
        mime = mimetypes.guess_type(path)[0] or "image/png"
        with open(path, "rb") as handle:
            parts.append({"inlineData": {"mimeType": mime, "data": base64.b64encode(handle.read()).decode()}})
    image_config = {}
    if aspect_ratio:
        image_config["aspectRatio"] = aspect_ratio
    if size:
        image_config["imageSize"] = size
    config = {"responseModalities": ["TEXT", "IMAGE"]}
    if image_config:
        config["imageConfig"] = image_config
    return {"contents": [{"role": "user", "parts": parts}], "generationConfig": config}


def call(model, body, api_key):
    request = urllib.request.Request(
        f"{BASE_URL}/models/{model}:generateContent",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "x-goog-api-key": api_key},
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        text = error.read().decode(errors="replace")
        try:
            text = json.loads(text)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            pass
        sys.exit(f"error: Gemini API {error.code}: {text}")
    except urllib.error.URLError as error:
        sys.exit(f"error: cannot reach the Gemini API: {error.reason}")


def save(response, out):
    blocked = (response.get("promptFeedback") or {}).get("blockReason")
    if blocked:
        sys.exit(f"error: the prompt was blocked ({blocked}); rephrase it")
    candidates = response.get("candidates") or []
    if not candidates:
        sys.exit("error: no candidates in the response")
    parts = (candidates[0].get("content") or {}).get("parts") or []
    images = []
    for part in parts:
        data = part.get("inlineData") or part.get("inline_data")
        if part.get("thought"):
            continue  # thinking drafts are not the answer
        if data and data.get("data"):
            images.append(data)
        elif part.get("text"):
            print(part["text"].strip(), file=sys.stderr)
    if not images:
        reason = candidates[0].get("finishReason", "unknown")
        sys.exit(f"error: no image returned (finishReason {reason})")
    stem, ext = os.path.splitext(out)
    written = []
    for index, data in enumerate(images):
        suffix = ext or EXTENSIONS.get(data.get("mimeType", ""), ".png")
        path = f"{stem}{'' if len(images) == 1 else f'-{index + 1}'}{suffix}"
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data["data"]))
        written.append(path)
    for path in written:
        print(path)


def main():
    parser = argparse.ArgumentParser(description="Generate or edit an image with Gemini 3 Pro Image.")
    parser.add_argument("--prompt", required=True, help="what to draw, or what to change in the inputs")
    parser.add_argument("--input", action="append", default=[], help="reference/source image (repeatable)")
    parser.add_argument("--out", required=True, help="output file, e.g. out.png (numbered if several images)")
    parser.add_argument("--aspect-ratio", choices=["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"])
    parser.add_argument("--size", choices=["1K", "2K", "4K"], help="resolution (default 1K)")
    parser.add_argument("--model", default=os.environ.get("NANO_BANANA_MODEL", DEFAULT_MODEL))
    parser.add_argument("--dry-run", action="store_true", help="print the request (image data elided) and exit")
    args = parser.parse_args()

    for path in args.input:
        if not os.path.isfile(path):
            sys.exit(f"error: input image not found: {path}")
    body = build_body(args.prompt, args.input, args.aspect_ratio, args.size)
    if args.dry_run:
        shown = json.loads(json.dumps(body))
        for part in shown["contents"][0]["parts"]:
            if "inlineData" in part:
                part["inlineData"]["data"] = f"<{len(part['inlineData']['data'])} base64 chars>"
        print(json.dumps({"url": f"{BASE_URL}/models/{args.model}:generateContent", "body": shown}, indent=2))
        return
    api_key = os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY")
    if not api_key:
        sys.exit("error: set GEMINI_API_KEY")
    save(call(args.model, body, api_key), args.out)


if __name__ == "__main__":
    main()
