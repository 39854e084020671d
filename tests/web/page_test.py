#!/usr/bin/python3
"""page_test.py: the dispatcher's page in headless Chromium against a running postrouted and redis-server.

Run by tests/integration/web-page.sh, which starts redis-server and
postrouted and passes PORT, REDIS_SOCK, ROOT, OUT (where screenshots go)
and LOG (the daemon's log) in the environment. This script sends the
scenario's order events (households with their contacts), then drives the
pages as a dispatcher would and checks what they show against the plans
the API serves and Redis stores, and that no contact reached the log.
"""
import csv
import io
import json
import os
import subprocess
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

PORT = os.environ["PORT"]
SOCK = os.environ["REDIS_SOCK"]
ROOT = os.environ["ROOT"]
OUT = os.environ["OUT"]
LOG = os.environ.get("LOG")
SCALE = float(os.environ.get("WAIT_SCALE", "1"))
BASE = "http://127.0.0.1:%s/" % PORT
OFFICE = "C05971"

with open(os.path.join(ROOT, "config/regions/langson.json"), encoding="utf-8") as f:
    REGION = json.load(f)
with open(os.path.join(ROOT, "web/i18n/vi.json"), encoding="utf-8") as f:
    VI = json.load(f)
with open(os.path.join(ROOT, "web/i18n/en.json"), encoding="utf-8") as f:
    EN = json.load(f)
COMMUNES = {c["code"]: c for c in REGION["communes"]}


class Fail(Exception):
    pass


def log(msg):
    print("web-page: " + msg, file=sys.stderr, flush=True)


def redis(*args):
    return subprocess.run(["redis-cli", "-s", SOCK, *args], check=True,
                          capture_output=True, text=True).stdout


def api(path):
    with urllib.request.urlopen(BASE + path, timeout=10) as r:
        return json.load(r)


def plan(office=OFFICE):
    try:
        return api("v1/offices/%s/plan" % office)
    except urllib.error.HTTPError:
        return None


def wait(what, cond, secs, scale=True):
    """Polls cond until it returns something true, or fails at the deadline."""
    deadline = time.monotonic() + secs * (SCALE if scale else 1)
    while True:
        try:
            v = cond()
        except (WebDriverException, urllib.error.URLError, ValueError):
            v = None
        if v:
            return v
        if time.monotonic() > deadline:
            raise Fail("timed out after %gs waiting for %s" % (secs, what))
        time.sleep(0.05)


# The households of the scenario's orders (name, phone, address or None);
# hvt5 gives no contact at all, hvt2 and tt1 no address (the sheet shows
# the commune's name then).
HOUSEHOLDS = {
    "hvt0": ("Hoàng Thị Hương", "0912 345 601", "Khối 3, phường Hoàng Văn Thụ"),
    "hvt1": ("Nông Văn Dũng", "0987654302", "Khối 5, phường Hoàng Văn Thụ"),
    "hvt2": ("Lương Thị Mai", "+84 912 345 603", None),
    "hvt3": ("Vi Văn Thắng", "0356789104", "Tổ 2, phường Hoàng Văn Thụ"),
    "hvt4": ("Triệu Thị Yến", "0912345605", "Khối 8, phường Hoàng Văn Thụ"),
    "hvt6": ("Lý Đức Cường", "0978123406", "Tổ 11, phường Hoàng Văn Thụ"),
    "hvt7": ("Hứa Thị Nhung", "0398765407", "Khối 1, phường Hoàng Văn Thụ"),
    "late1": ("Mã Văn Sơn", "0912000008", "Khối 6, phường Hoàng Văn Thụ"),
    "gone1": ("Chu Thị Lan", "0912000009", "Khối 7, phường Hoàng Văn Thụ"),
    "tt0": ("Đinh Văn Hải", "0912000010", "Bản Nà Tèo, phường Tam Thanh"),
    "tt1": ("Bế Thị Thảo", "0912000011", None),
    "vt0": ("Lăng Văn Quân", "0912000012", "Khối 2, phường Vĩnh Trại"),
}


def contact_of(oid):
    h = HOUSEHOLDS.get(oid)
    if h is None:
        return None
    c = {"name": h[0], "phone": h[1]}
    if h[2]:
        c["address"] = h[2]
    return c


def order(oid, commune, minute, kg=3.0, east=0.0, north=0.0, **extra):
    lon, lat = COMMUNES[commune]["point"]
    ev = {"type": "order.created", "event_id": oid + "-1", "order_id": oid,
          "version": 1, "ts": "2026-08-20T07:%02d:00+07:00" % minute,
          "commune": commune, "location": [round(lon + east, 6), round(lat + north, 6)],
          "weight_kg": kg, "promise_hours": 48, "destination": "HN",
          "ready": {"from": "2026-08-20T07:30:00+07:00"}}
    if contact_of(oid):
        ev["contact"] = contact_of(oid)
    ev.update(extra)
    redis("XADD", "postroute:events", "*", "event", json.dumps(ev))
    return oid


def in_plan(p):
    ids = set()
    for r in p["routes"]:
        ids.update(s["order_id"] for s in r["stops"])
    ids.update(u["order_id"] for u in p["unassigned"])
    return ids


def scenario():
    """Three offices; C05971 needs two trips (its heavy parcels), has an
    order that can no longer meet its promise, one whose ready window
    closed before any pickup and one ready after the planning horizon."""
    want = {"C05971": set(), "C05974": set(), "C05977": set()}
    spots = [(0.010, 0.004), (0.018, -0.006), (-0.012, 0.009), (0.004, 0.016),
             (-0.016, -0.008), (0.022, 0.012), (-0.006, -0.018), (0.013, -0.014)]
    for i, (e, n) in enumerate(spots):
        want["C05971"].add(order("hvt%d" % i, "05971", i, kg=25.0 if i % 2 == 0 else 4.5,
                                 east=e, north=n, perishable=(i == 3)))
    # due at 05:00 today: no line-haul keeps that promise any more
    want["C05971"].add(order("late1", "05971", 10, kg=2.0, east=0.006, north=-0.004,
                             promise_hours=24, placed_at="2026-08-19T05:00:00+07:00"))
    # ready 06:00-06:30 only, and the clock is 07:xx
    want["C05971"].add(order("gone1", "05971", 11, kg=2.0, east=-0.004, north=0.006,
                             ready={"from": "2026-08-20T06:00:00+07:00",
                                    "to": "2026-08-20T06:30:00+07:00"}))
    # ready after the planning horizon: left out of every route
    want["C05971"].add(order("later1", "05971", 12, kg=2.0, east=0.003, north=0.009,
                             ready={"from": "2026-08-26T08:00:00+07:00"}))
    for i in range(4):
        want["C05974"].add(order("tt%d" % i, "05974", 12 + i, east=0.01 * (i - 2), north=0.008))
    for i in range(3):
        want["C05977"].add(order("vt%d" % i, "05977", 16 + i, east=-0.008, north=0.01 * (i - 1)))
    for office, ids in want.items():
        wait("the plan of %s with its %d orders" % (office, len(ids)),
             lambda: (p := plan(office)) is not None and ids <= in_plan(p), 30)
    p = plan()
    if len(p["routes"]) < 2 or not p["at_risk"] or not p["unassigned"]:
        raise Fail("scenario: C05971 should have 2+ routes, orders at risk and unassigned: %s"
                   % json.dumps({"routes": len(p["routes"]), "at_risk": p["at_risk"],
                                 "unassigned": p["unassigned"]}))
    return p


def browser():
    o = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
              "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--user-data-dir=" + os.environ.get("PROFILE", os.path.join(OUT, "chrome-profile"))):
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def console_errors(d, where):
    bad = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]
    if bad:
        raise Fail("JavaScript console errors on %s: %s" % (where, bad))


def css(d, sel):
    return d.find_elements(By.CSS_SELECTOR, sel)


def shot(d, name, w, h):
    d.set_window_size(w, h)
    # the size is the window's: make the page's viewport w x h
    vw, vh = d.execute_script("return [innerWidth, innerHeight]")
    d.set_window_size(w + (w - vw), h + (h - vh))
    d.execute_script("window.dispatchEvent(new Event('resize'))")
    path = os.path.join(OUT, name)
    d.save_screenshot(path)
    return path


def open_popup(d, oid):
    """Opens the popup of oid's marker, once it has faded in (a click may
    land while the map still moves: tried again until the deadline)."""
    def go():
        if not css(d, ".leaflet-popup"):
            css(d, 'div.stop[title="%s"]' % oid)[0].click()
        return d.execute_script(
            "var p = document.querySelector('.leaflet-popup');"
            "return p && getComputedStyle(p).opacity === '1'")
    wait("%s's popup" % oid, go, 5)
    return css(d, ".leaflet-popup-content .pop")[0]


def close_popup(d):
    def go():
        b = css(d, ".leaflet-popup-close-button")
        if b:
            b[0].click()
        return not css(d, ".leaflet-popup")
    wait("the popup to close", go, 5)


def check_overview(d):
    offices = api("v1/offices")
    ids = {o["id"] for o in offices}
    if ids != {o["id"] for o in REGION["offices"]}:
        raise Fail("/v1/offices does not list the region's offices")
    d.get(BASE)
    wait("the overview's list", lambda: len(css(d, "li[data-office]")) == len(ids), 10)
    listed = {e.get_attribute("data-office") for e in css(d, "li[data-office]")}
    if listed != ids:
        raise Fail("the overview misses offices: %s" % sorted(ids - listed)[:5])
    risky = css(d, 'li[data-office="%s"]' % OFFICE)[0]
    if VI["state_at_risk"] not in risky.text:
        raise Fail("the overview does not show %s at risk: %r" % (OFFICE, risky.text))
    # search: without the Vietnamese marks
    q = css(d, "#q")[0]
    q.send_keys("phuong hoang van thu")
    wait("the search to narrow the list",
         lambda: [e.get_attribute("data-office") for e in css(d, "li[data-office]")] == [OFFICE], 5)
    q.clear()
    q.send_keys(" ")
    console_errors(d, "the overview")
    log("overview: %d offices listed, search ok" % len(listed))


def check_office(d):
    p = plan()
    d.get(BASE + "offices/" + OFFICE)
    n = len(p["routes"])
    wait("%d route lines" % n, lambda: len(css(d, "path.route-line")) == n, 10)
    wait("the route table", lambda: len(css(d, "#routes tr[data-vehicle]")) == n, 5)
    stops = sum(len(r["stops"]) for r in p["routes"])
    if len(css(d, "div.stop:not(.unassigned)")) != stops:
        raise Fail("%d stop markers for %d stops" % (len(css(d, "div.stop")), stops))
    items = {e.get_attribute("data-order"): e.text for e in css(d, "#attention li[data-order]")}
    for a in p["at_risk"]:
        text = items.get(a["order_id"])
        if text is None or VI["risk_" + a["risk"]] not in text:
            raise Fail("at-risk order %s (%s) not listed in words: %r" % (a["order_id"], a["risk"], text))
    for u in p["unassigned"]:
        text = items.get(u["order_id"])
        if text is None or VI["reason_" + u["reason"]] not in text:
            raise Fail("unassigned order %s (%s) not listed in words: %r" % (u["order_id"], u["reason"], text))
    # orders on no route are on the map where they are (plan location)
    for u in p["unassigned"]:
        if "location" not in u or not css(d, 'div.stop.unassigned[title="%s"]' % u["order_id"]):
            raise Fail("no marker for %s, on no route: %s" % (u["order_id"], u))
    # a stop's popup: the household, its phone as a tel: link, the address
    s = [s for r in p["routes"] for s in r["stops"] if s["order_id"] == "hvt1"][0]
    c = contact_of("hvt1")
    if s.get("contact") != c:
        raise Fail("hvt1's plan stop does not carry its household: %s" % s)
    seen = {}

    def household():
        # read as one: a new plan may re-render the popup between reads
        pop = open_popup(d, "hvt1")
        seen["text"] = pop.text
        tel = pop.find_elements(By.CSS_SELECTOR, 'a[href="tel:0987654302"]')
        return c["name"] in seen["text"] and tel and \
            c["address"] in seen["text"]
    try:
        wait("hvt1's popup with its household", household, 10)
    except Fail:
        raise Fail("hvt1's popup does not show its household: %r (plan: %s)" %
                   (seen.get("text"), s))
    close_popup(d)
    console_errors(d, "the office page")
    log("office page: %d route lines, %d stops, %d orders needing attention listed in words, "
        "a household in a popup" % (n, stops, len(items)))


def check_dispatch(d):
    p = plan()
    veh = p["routes"][0]["vehicle"]
    sel = 'tr[data-vehicle="%s"] button.dispatch' % veh
    css(d, sel)[0].click()
    wait("the confirmation", lambda: css(d, sel + ".armed"), 3)
    css(d, sel + ".armed")[0].click()

    def stored():
        s = json.loads(redis("GET", "postroute:plan:" + OFFICE))
        return any(r["vehicle"] == veh and r["dispatched"] for r in s["routes"])
    wait("Redis to store %s dispatched" % veh, stored, 20)
    wait("the page to show %s dispatched" % veh,
         lambda: css(d, 'tr.dispatched[data-vehicle="%s"]' % veh), 3)
    # no stop picked up yet: the plan offers the undo, the page shows it
    if not [r for r in plan()["routes"] if r["vehicle"] == veh and r["can_undo"] is True]:
        raise Fail("a dispatched route without can_undo")
    wait("the Undo button of %s" % veh, lambda: css(d, 'tr[data-vehicle="%s"] button.undo' % veh), 3)
    for r in plan()["routes"]:
        if r["vehicle"] != veh and (r["dispatched"] or r["can_undo"] or
                                    css(d, 'tr[data-vehicle="%s"] button.undo' % r["vehicle"])):
            raise Fail("route %s: dispatched or undo without a dispatch" % r["vehicle"])
    console_errors(d, "dispatch")
    log("dispatch: %s stored dispatched in Redis and shown, with Undo" % veh)
    return veh


def stored_dispatched(veh):
    s = json.loads(redis("GET", "postroute:plan:" + OFFICE))
    return [r["dispatched"] for r in s["routes"] if r["vehicle"] == veh]


def check_undo(d, veh):
    """Undo takes the route back: the plan stored in Redis says it is not
    dispatched and the page offers Hand to driver again; then it is
    handed over again, for the rest of the test."""
    css(d, 'tr[data-vehicle="%s"] button.undo' % veh)[0].click()
    wait("Redis to store %s no longer dispatched" % veh, lambda: stored_dispatched(veh) == [False], 20)
    wait("the page to offer %s to a driver again" % veh,
         lambda: css(d, 'tr[data-vehicle="%s"]:not(.dispatched) button.dispatch' % veh), 3)
    if css(d, 'tr[data-vehicle="%s"] button.undo' % veh):
        raise Fail("an Undo button on a route that is not dispatched")
    sel = 'tr[data-vehicle="%s"] button.dispatch' % veh
    css(d, sel)[0].click()
    wait("the confirmation", lambda: css(d, sel + ".armed"), 3)
    css(d, sel + ".armed")[0].click()
    wait("Redis to store %s dispatched again" % veh, lambda: stored_dispatched(veh) == [True], 20)
    wait("the page to show %s dispatched again" % veh,
         lambda: css(d, 'tr.dispatched[data-vehicle="%s"] button.undo' % veh), 3)
    console_errors(d, "undo")
    log("undo: %s stored not dispatched in Redis, then dispatched again" % veh)


def check_live_update(d):
    """A new order: the page shows its stop within 2 s of the plan that
    has it, without a reload, the map where the user left it."""
    d.execute_script("window.prKeep = 42")
    d.execute_script("document.querySelector('#map') && window.scrollTo(0, 0)")
    pane = css(d, ".leaflet-map-pane")[0].get_attribute("style")
    version = plan()["version"]
    t0 = time.monotonic()
    order("new1", "05971", 30, kg=1.0, east=0.002, north=0.002)

    def routed():
        p = plan()
        return p if any(s["order_id"] == "new1" for r in p["routes"] for s in r["stops"]) else None
    p = wait("a plan with new1 on a route", routed, 30)
    t_plan = time.monotonic()
    wait("the page to show new1 within 2 s of its plan (version %d)" % p["version"],
         lambda: css(d, 'div.stop[title="new1"]'), 2, scale=False)
    t_page = time.monotonic()
    if d.execute_script("return window.prKeep") != 42:
        raise Fail("the page reloaded")
    if css(d, ".leaflet-map-pane")[0].get_attribute("style") != pane:
        raise Fail("the map moved by itself on a new plan")
    console_errors(d, "the update")
    log("live update: plan %d -> %d; stop on the page %.2f s after the plan was served, "
        "%.2f s after the event" % (version, p["version"], t_page - t_plan, t_page - t0))


def village(s):
    return (s.get("contact") or {}).get("address") or s.get("commune_name") or ""


def check_sheet(d, veh):
    p = plan()
    r = [x for x in p["routes"] if x["vehicle"] == veh][0]
    want = [s["order_id"] for s in r["stops"]]
    for s in r["stops"]:
        if s.get("contact") != contact_of(s["order_id"]) or \
                s.get("commune_name") != COMMUNES[OFFICE[1:]]["name"]:
            raise Fail("stop %s carries %s, %s" % (s["order_id"], s.get("contact"), s.get("commune_name")))
    if not [s for s in r["stops"] if s.get("contact")]:
        raise Fail("no stop of %s has a household: the sheet would show none" % veh)
    d.get(BASE + "offices/%s/routes/%s/sheet" % (OFFICE, veh))
    wait("the sheet's rows", lambda: len(css(d, "#stops tr[data-order]")) == len(want), 10)
    got = [e.get_attribute("data-order") for e in css(d, "#stops tr[data-order]")]
    if got != want:
        raise Fail("sheet order %s, plan order %s" % (got, want))
    # each row: the household, its phone (a tel: link), the village
    for e, s in zip(css(d, "#stops tr[data-order]"), r["stops"]):
        c = s.get("contact") or {}
        name = e.find_element(By.CSS_SELECTOR, "td.col_household").text
        phone = e.find_element(By.CSS_SELECTOR, "td.col_phone").text
        vil = e.find_element(By.CSS_SELECTOR, "td.col_village").text
        tel = e.find_elements(By.CSS_SELECTOR, "td.col_phone a[href^='tel:']")
        if name != c.get("name", "") or phone != c.get("phone", "") or vil != village(s) or \
                bool(tel) != bool(c.get("phone")):
            raise Fail("sheet row of %s: %r, %r, %r; the plan's stop: %s" % (s["order_id"], name, phone, vil, s))
    head = css(d, "#head")[0].text
    if "linehaul" not in r or VI["linehaul"] not in head or r["linehaul"]["depart"][11:16] not in head:
        raise Fail("the sheet does not name the line-haul %s: %r" % (r.get("linehaul"), head))
    console_errors(d, "the sheet")
    with urllib.request.urlopen(BASE + "offices/%s/routes/%s/sheet.csv" % (OFFICE, veh)) as f:
        ctype = f.headers["Content-Type"]
        body = f.read().decode("utf-8-sig")
    if ctype != "text/csv; charset=utf-8":
        raise Fail("CSV Content-Type %r" % ctype)
    rows = list(csv.DictReader(io.StringIO(body)))
    if [x["order_id"] for x in rows] != want or [x["stop"] for x in rows] != \
            [str(i + 1) for i in range(len(want))]:
        raise Fail("CSV rows %s, plan %s" % ([x["order_id"] for x in rows], want))
    heads = ["stop", "order_id", "village", "household", "phone", "weight_kg",
             "perishable", "latest_pickup", "arrival"]
    if list(rows[0].keys()) != heads:
        raise Fail("CSV header %s" % list(rows[0].keys()))
    for x, s in zip(rows, r["stops"]):
        c = s.get("contact") or {}
        if float(x["weight_kg"]) != s["weight_kg"] or x["latest_pickup"] != s["latest"] or \
                x["arrival"] != s["arrival"] or x["perishable"] != ("yes" if s["perishable"] else "no") or \
                x["household"] != c.get("name", "") or x["phone"] != c.get("phone", "") or \
                x["village"] != village(s):
            raise Fail("CSV row %s differs from the plan's stop %s" % (x, s))
    log("sheet: %d stops in plan order with their households (%d with a contact), "
        "CSV parses (%d rows)" % (len(got), len([s for s in r["stops"] if s.get("contact")]), len(rows)))


def check_log():
    """No household's name or phone in the daemon's log (it runs with -v)."""
    if not LOG:
        raise Fail("LOG is not set: cannot check the daemon's log")
    with open(LOG, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if "publish: office %s plan" % OFFICE not in text:
        raise Fail("the log at %s is not the daemon's" % LOG)
    for oid, (name, phone, addr) in HOUSEHOLDS.items():
        for v in (name, phone, addr):
            if v and v in text:
                raise Fail("the daemon's log has %s's contact (%r)" % (oid, v))
    log("log: none of the %d households' names, phones or addresses" % len(HOUSEHOLDS))


def check_english(d):
    d.get(BASE + "offices/" + OFFICE)
    wait("the language button", lambda: css(d, "#lang")[0].text == VI["lang_other"], 5)
    css(d, "#lang")[0].click()
    wait("the page in English", lambda: css(d, "h2")[0].text == EN["routes"], 10)
    css(d, "#lang")[0].click()
    wait("the page in Vietnamese", lambda: css(d, "h2")[0].text == VI["routes"], 10)
    console_errors(d, "the language switch")
    log("language: Vietnamese -> English -> Vietnamese")


def main():
    if set(VI) != set(EN):
        raise Fail("web/i18n: vi.json and en.json differ in keys: %s" % sorted(set(VI) ^ set(EN)))
    scenario()
    d = browser()
    try:
        d.set_window_size(1280, 800)
        check_overview(d)
        shot(d, "web-overview-1280.png", 1280, 800)
        check_office(d)
        veh = check_dispatch(d)
        check_undo(d, veh)
        check_live_update(d)
        # the README's picture: a household's popup open
        open_popup(d, "hvt1")
        shot(d, "web-office-1280.png", 1280, 800)
        close_popup(d)
        shot(d, "web-office-360.png", 360, 740)
        d.get(BASE)
        wait("the overview", lambda: css(d, "li[data-office]"), 10)
        shot(d, "web-overview-360.png", 360, 740)
        check_sheet(d, veh)
        shot(d, "web-sheet-360.png", 360, 740)
        d.set_window_size(1280, 800)
        check_english(d)
    finally:
        d.quit()
    check_log()
    log("ok; screenshots in " + OUT)


if __name__ == "__main__":
    try:
        main()
    except Fail as e:
        log("FAIL: %s" % e)
        sys.exit(1)
