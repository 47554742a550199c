#!/usr/bin/env bash
# Transcribe (or translate to English) an audio file with the OpenAI audio API.
# Writes the result to --out (default: <input>.<ext>) and prints its path.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: transcribe.sh [options] <audio-file>

  --model NAME       whisper-1 (default), gpt-4o-transcribe, gpt-4o-mini-transcribe
  --language CODE    ISO-639-1 code of the spoken language (e.g. en, de); improves accuracy
  --prompt TEXT      spelling hints / context (names, jargon)
  --format FMT       text (default), json, srt, vtt, verbose_json
                     (srt, vtt, verbose_json need whisper-1)
  --translate        translate to English instead (whisper-1 only)
  --out FILE         where to write the result (default: <audio-file>.<txt|json|srt|vtt>)
  --dry-run          print the request that would be sent, send nothing
  -h, --help         this help

Needs OPENAI_API_KEY. Files up to 25 MB: mp3, mp4, mpeg, mpga, m4a, wav, webm, ogg, flac.
USAGE
}

model=whisper-1 language="" prompt="" format=text translate=no out="" dry=no file=""
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --language) language="$2"; shift 2 ;;
    --prompt) prompt="$2"; shift 2 ;;
    --format) format="$2"; shift 2 ;;
    --translate) translate=yes; shift ;;
    --out) out="$2"; shift 2 ;;
    --dry-run) dry=yes; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    *) file="$1"; shift ;;
  esac
done

[ -n "$file" ] || { usage >&2; exit 2; }
[ -f "$file" ] || { echo "no such file: $file" >&2; exit 2; }

endpoint=transcriptions
if [ "$translate" = yes ]; then
  endpoint=translations
  [ "$model" = whisper-1 ] || { echo "--translate works only with whisper-1" >&2; exit 2; }
fi
case "$format" in
  text) ext=txt ;; json|verbose_json) ext=json ;; srt) ext=srt ;; vtt) ext=vtt ;;
  *) echo "unknown --format: $format" >&2; exit 2 ;;
esac
out="${out:-$file.$ext}"

size=$(wc -c <"$file" | tr -d ' ')
if [ "$size" -gt 26214400 ]; then
  echo "file is $size bytes; the API limit is 25 MB. Compress or split it first (see SKILL.md)." >&2
  exit 2
fi

args=(-sS --fail-with-body -X POST "https://api.openai.com/v1/audio/$endpoint"
  -F "file=@$file" -F "model=$model" -F "response_format=$format")
[ -n "$language" ] && [ "$endpoint" = transcriptions ] && args+=(-F "language=$language")
[ -n "$prompt" ] && args+=(--form-string "prompt=$prompt")

if [ "$dry" = yes ]; then
  printf 'curl -H "Authorization: Bearer $OPENAI_API_KEY"'
  printf ' %q' "${args[@]}"
  printf ' -o %q\n' "$out"
  exit 0
fi

: "${OPENAI_API_KEY:?OPENAI_API_KEY is not set}"
curl -H "Authorization: Bearer $OPENAI_API_KEY" "${args[@]}" -o "$out"
echo "$out"
