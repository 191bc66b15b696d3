#!/usr/bin/env python3
"""Derives join-model parameters from published honour rates (params/bf2018.params).

Usage: params/derive_default.py DATA_DIR > params/bf2018.params

These are an alternative to the engine's default, params/default.params, which
is `casus fit` on all 95 COW wars (docs/fit.md); `casus simulate --params
params/bf2018.params` runs the engine on them.

DATA_DIR holds the Correlates of War files (cow/) and peacesciencer's ATOP
directed dyad-years (peacesciencer/atop_ddy_1816_2018.csv.gz).  Two numbers
come from published rates, one pair from a count over the COW wars that this
script makes and prints in the file's header:

- The hazard of a candidate pulled to a side by an obligation: Berkemeier and
  Fuhrmann (2018) find 66% of the alliance commitments that wars invoked
  honoured before 1945 and 22% after.  Read as the probability of joining
  within the first year at a constant hazard, h = -ln(1 - p) / 365.
- The hazard of a candidate with no obligation: the share of politically
  relevant states (COW major powers, and states directly contiguous to a
  belligerent of the war's first day) with no ATOP defence or offence pledge
  to any first-day belligerent that entered the war within 365 days, over the
  COW inter-state wars, before 1946 and after 1945; the same conversion,
  halved because a candidate may join either side (competing risks).

Every other parameter is 0: no published rate fixes it; `casus fit`
estimates all of them from the wars.
"""
import csv, gzip, math, os, sys
from collections import defaultdict
from datetime import date

d = sys.argv[1]

def rows(path):
    with open(path, newline='') as f:
        text = f.read().replace('\r\n', '\n').replace('\r', '\n')
    return list(csv.DictReader(text.splitlines()))

def day(y, m, dd):
    y, m, dd = int(y), int(m), int(dd)
    return date(y, m if m > 0 else 1, dd if dd > 0 else 1).toordinal()

wars = defaultdict(list)
for r in rows(os.path.join(d, 'cow/Inter-StateWarData_v4.0.csv')):
    if int(r['StartYear1']) < 0:
        continue
    wars[r['WarNum']].append((int(r['ccode']), day(r['StartYear1'], r['StartMonth1'], r['StartDay1'])))

system = defaultdict(set)
for r in rows(os.path.join(d, 'cow/system2016.csv')):
    system[int(r['year'])].add(int(r['ccode']))
majors = [(int(r['ccode']), int(r['styear']), int(r['endyear'])) for r in rows(os.path.join(d, 'cow/majors2016.csv'))]
contig = [(int(r['statelno']), int(r['statehno']), int(r['begin']), int(r['end']))
          for r in rows(os.path.join(d, 'cow/contdir.csv'))]
allied = set()
with gzip.open(os.path.join(d, 'peacesciencer/atop_ddy_1816_2018.csv.gz'), 'rt') as f:
    for r in csv.DictReader(f):
        if r['atop_defense'] == '1' or r['atop_offense'] == '1':
            allied.add((int(r['ccode1']), int(r['ccode2']), int(r['year'])))

count = {False: [0, 0], True: [0, 0]}  # post1945 -> [candidates, joined within 365 days]
for num, parts in wars.items():
    start = min(s for _, s in parts)
    sd = date.fromordinal(start)
    first = {c for c, s in parts if s == start}
    entered = {}
    for c, s in parts:
        entered[c] = min(entered.get(c, s), s)
    ym = sd.year * 100 + sd.month
    rel = {c for c, a, b in majors if a <= sd.year <= b}
    for a, b, beg, end in contig:
        if beg <= ym <= end:
            if a in first: rel.add(b)
            if b in first: rel.add(a)
    post = sd.year > 1945
    for c in sorted(rel - first):
        if c not in system[sd.year]:
            continue
        if any((c, f, sd.year) in allied or (f, c, sd.year) in allied for f in first):
            continue
        count[post][0] += 1
        if c in entered and entered[c] - start <= 365:
            count[post][1] += 1

def rate(p, sides=1):
    return -math.log(1 - p) / 365 / sides

p0_pre = count[False][1] / count[False][0]
p0_post = count[True][1] / count[True][0]
l0_pre, l0_post = rate(p0_pre, 2), rate(p0_post, 2)
lob_pre, lob_post = rate(0.66), rate(0.22)
beta = {
    'intercept': math.log(l0_pre),
    'post_1945': math.log(l0_post / l0_pre),
    'oblig_any': math.log(lob_pre / l0_pre),
    'oblig_post_1945': math.log(lob_post / lob_pre) - math.log(l0_post / l0_pre),
}
names = ['intercept', 'oblig_any', 'defend_binding', 'defend_conditional', 'join_binding', 'join_conditional',
         'timing_immediate', 'timing_as_deemed', 'timing_constitutional', 'timing_other', 'oblig_hand', 'oblig_atop',
         'oblig_both_sides', 'pledge_other_side', 'declared_neutral', 'contig_land_other', 'contig_sea_other',
         'major_power', 'log_cinc', 'log_cinc_side', 'log_cinc_other', 'allies_on_side', 'mid_other_side',
         'band_first_week', 'band_first_month', 'band_first_year', 'post_1945', 'oblig_post_1945']
print(f"""# casus join-model parameters: derived from published rates, not fitted (no standard errors).
# Made by params/derive_default.py from the COW and ATOP files; h = exp(beta . x) per day.
# An alternative to the engine's default, params/default.params (`casus fit` on all 95 wars).
#
# oblig_any, oblig_post_1945: Berkemeier, Mark, and Matthew Fuhrmann. 2018. "Reassessing the
#   Fulfillment of Alliance Commitments in War." Research & Politics 5(2): 66% of invoked alliance
#   commitments honoured before 1945, 22% after.  Read as P(join within 365 days) at a constant
#   hazard: h = -ln(1 - p) / 365, so exp(intercept + oblig_any) = {lob_pre:.6g} per day before 1946
#   and exp(intercept + post_1945 + oblig_any + oblig_post_1945) = {lob_post:.6g} after.
#   (Leeds, Long and Mitchell 2000, "Reevaluating Alliance Reliability", JCR 44(5), find 74.5% for
#   1816-1944 under their own counting rule; the default follows Berkemeier and Fuhrmann, whose
#   series runs to 2003 and splits at 1945.)
# intercept, post_1945: counted over the COW inter-state wars (Sarkees and Wayman 2010, v4.0):
#   politically relevant states (COW major powers, and states directly contiguous, COW contiguity
#   v3.2 types 1-5, to a belligerent of the war's first day) with no ATOP 5.1 defence or offence
#   pledge to a first-day belligerent (peacesciencer's ATOP dyad-years): before 1946
#   {count[False][1]} of {count[False][0]} entered within 365 days ({p0_pre:.4f}), after 1945
#   {count[True][1]} of {count[True][0]} ({p0_post:.4f}).  Same conversion, halved for the two
#   sides a candidate may join: {l0_pre:.6g} and {l0_post:.6g} per day per side.  The count's
#   candidates are fewer than the engine's, which adds states bound by any obligation to a
#   belligerent, MID rivals and states drawn in as the war grows (docs/cascade.md); `casus fit`
#   estimates the base rate on the engine's own candidates.
# Every other parameter: 0.  No published rate fixes it; `casus fit` estimates them all.
#
# name value stderr""")
for n in names:
    print(f"{n:<22} {beta.get(n, 0.0):.6f} -")
