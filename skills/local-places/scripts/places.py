#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = []
# ///
"""Google Places API (New) lookups for the local-places skill.

Three commands: `search` (text search), `nearby` (places of a type around a point) and
`details` (one place), printing compact JSON; `serve` exposes the same as a small HTTP
proxy on 127.0.0.1 so other local tools can ask without holding the API key.
Standard library only: runs with `uv run` or plain python3.
"""
import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE_URL = os.environ.get("LOCAL_PLACES_BASE_URL", "https://places.googleapis.com/v1")
SEARCH_FIELDS = ",".join(
    "places." + f
    for f in ("id", "displayName", "formattedAddress", "location", "rating", "userRatingCount",
              "priceLevel", "currentOpeningHours.openNow", "googleMapsUri", "primaryType")
)
DETAIL_FIELDS = ",".join((
    "id", "displayName", "formattedAddress", "location", "rating", "userRatingCount", "priceLevel",
    "nationalPhoneNumber", "internationalPhoneNumber", "websiteUri", "googleMapsUri",
    "regularOpeningHours.weekdayDescriptions", "currentOpeningHours.openNow", "primaryType",
))


class PlacesError(Exception):
    pass


def circle(lat, lng, radius):
    return {"circle": {"center": {"latitude": lat, "longitude": lng}, "radius": float(radius)}}


def search_request(query, lat=None, lng=None, radius_m=2000, open_now=False, min_rating=None,
                   limit=5, language=None, region=None):
    body = {"textQuery": query, "pageSize": max(1, min(int(limit), 20))}
    if lat is not None and lng is not None:
        body["locationBias"] = circle(lat, lng, radius_m)
    if open_now:
        body["openNow"] = True
    if min_rating is not None:
        body["minRating"] = float(min_rating)
    if language:
        body["languageCode"] = language
    if region:
        body["regionCode"] = region
    return ("POST", f"{BASE_URL}/places:searchText", SEARCH_FIELDS, body)


def nearby_request(lat, lng, radius_m=1000, place_type=None, limit=5, language=None):
    body = {"locationRestriction": circle(lat, lng, radius_m), "maxResultCount": max(1, min(int(limit), 20))}
    if place_type:
        body["includedTypes"] = [place_type]
    if language:
        body["languageCode"] = language
    return ("POST", f"{BASE_URL}/places:searchNearby", SEARCH_FIELDS, body)


def details_request(place_id, language=None):
    query = f"?languageCode={urllib.parse.quote(language)}" if language else ""
    return ("GET", f"{BASE_URL}/places/{urllib.parse.quote(place_id)}{query}", DETAIL_FIELDS, None)


def send(request, api_key):
    method, url, fields, body = request
    if not api_key:
        raise PlacesError("GOOGLE_PLACES_API_KEY is not set")
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", "X-Goog-Api-Key": api_key, "X-Goog-FieldMask": fields,
    })
    try:
        with urllib.request.urlopen(req, timeout=15) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")
        try:
            detail = json.loads(detail)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            pass
        raise PlacesError(f"Places API {error.code}: {detail}") from None
    except urllib.error.URLError as error:
        raise PlacesError(f"cannot reach the Places API: {error.reason}") from None


def slim(place):
    """One flat object per place: what an answer needs, not Google's nesting."""
    name = place.get("displayName") or {}
    hours = place.get("regularOpeningHours") or {}
    out = {
        "id": place.get("id"),
        "name": name.get("text") if isinstance(name, dict) else name,
        "address": place.get("formattedAddress"),
        "rating": place.get("rating"),
        "ratings": place.get("userRatingCount"),
        "price": place.get("priceLevel"),
        "openNow": (place.get("currentOpeningHours") or {}).get("openNow"),
        "type": place.get("primaryType"),
        "phone": place.get("internationalPhoneNumber") or place.get("nationalPhoneNumber"),
        "website": place.get("websiteUri"),
        "maps": place.get("googleMapsUri"),
        "hours": hours.get("weekdayDescriptions"),
        "location": place.get("location"),
    }
    return {k: v for k, v in out.items() if v is not None}


def run(request, api_key, single=False):
    result = send(request, api_key)
    return slim(result) if single else [slim(p) for p in result.get("places", [])]


def serve(port, api_key):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            q = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
            num = lambda k: float(q[k]) if k in q else None  # noqa: E731
            try:
                if url.path == "/search" and "q" in q:
                    body = run(search_request(q["q"], num("lat"), num("lng"), num("radius_m") or 2000,
                                              q.get("open_now") == "1", num("min_rating"),
                                              int(q.get("limit", 5)), q.get("language")), api_key)
                elif url.path == "/nearby" and "lat" in q and "lng" in q:
                    body = run(nearby_request(num("lat"), num("lng"), num("radius_m") or 1000,
                                              q.get("type"), int(q.get("limit", 5))), api_key)
                elif url.path.startswith("/details/"):
                    body = run(details_request(url.path[len("/details/"):]), api_key, single=True)
                elif url.path == "/health":
                    body = {"ok": True}
                else:
                    return self.reply(404, {"error": "use /search?q=, /nearby?lat=&lng=, /details/<id>"})
                self.reply(200, body)
            except (PlacesError, ValueError) as error:
                self.reply(502 if isinstance(error, PlacesError) else 400, {"error": str(error)})

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    # Loopback only: the proxy spends the user's API key for whoever can reach it.
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"local-places proxy on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description="Google Places API (New) lookups.")
    parser.add_argument("--language", help="language of names and addresses, e.g. en, de")
    parser.add_argument("--dry-run", action="store_true", help="print the request instead of sending it")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("search", help="text search, e.g. 'ramen in Lyon'")
    s.add_argument("query")
    s.add_argument("--lat", type=float)
    s.add_argument("--lng", type=float)
    s.add_argument("--radius-m", type=float, default=2000)
    s.add_argument("--open-now", action="store_true")
    s.add_argument("--min-rating", type=float)
    s.add_argument("--limit", type=int, default=5)
    s.add_argument("--region", help="CLDR region code, e.g. US, AT")
    n = sub.add_parser("nearby", help="places of one type within a circle")
    n.add_argument("--lat", type=float, required=True)
    n.add_argument("--lng", type=float, required=True)
    n.add_argument("--radius-m", type=float, default=1000)
    n.add_argument("--type", dest="place_type", help="Google place type, e.g. cafe, pharmacy")
    n.add_argument("--limit", type=int, default=5)
    d = sub.add_parser("details", help="one place by id")
    d.add_argument("place_id")
    v = sub.add_parser("serve", help="HTTP proxy on 127.0.0.1")
    v.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    api_key = os.environ.get("GOOGLE_PLACES_API_KEY", "")
    if args.command == "serve":
        return serve(args.port, api_key)
    if args.command == "search":
        request = search_request(args.query, args.lat, args.lng, args.radius_m, args.open_now,
                                 args.min_rating, args.limit, args.language, args.region)
    elif args.command == "nearby":
        request = nearby_request(args.lat, args.lng, args.radius_m, args.place_type, args.limit, args.language)
    else:
        request = details_request(args.place_id, args.language)
    if args.dry_run:
        method, url, fields, body = request
        json.dump({"method": method, "url": url, "fieldMask": fields, "body": body}, sys.stdout, indent=2)
        print()
        return
    try:
        json.dump(run(request, api_key, single=args.command == "details"), sys.stdout, indent=2, ensure_ascii=False)
        print()
    except PlacesError as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
