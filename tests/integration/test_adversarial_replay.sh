#!/usr/bin/env bash
# adversarial.boundary and adversarial.fingerprint against query-based evasion written the way
# its published code runs it (HopSkipJump as ART runs it and the bench's variant, SimBA as its
# authors' simba_single and simba_batch, the bench's SimBA, ZOO's coordinate probes) and hard
# benign streams (real records, one class, nightly re-scores, retries, a busy client, camera
# frames, frames on an ambiguous scene, noisy records, what-if sliders, channels updated in
# turn, slow ramps), on four real data sets (wine and iris as z-scores, breast_cancer and
# digits in raw units) and two seeds each: bench/python/evasion_streams.py writes the queries
# of a real scikit-learn model, tests/tools/adv_replay runs them through the engine with the
# shipped rules. Attackers that take a fresh API key for every request from one source are
# judged on the principal group's stream (hsj_rot, simba_rot). Attackers that hide the exact
# arithmetic of their queries behind Gaussian noise (1 % and 3 % of each feature's spread) or
# rounding to 2 decimals (tests/tools/attack_clients.py Evasive) are judged too (hsj_noise,
# hsj_noise3, hsj_round, hsj_art_noise, simba_round).
# The digits are also replayed scaled up to 32 x 32 pixels (1,024 features: wide rows).
# Asserted: no finding on any benign client; HopSkipJump caught within 10 rows
# (ART's variant: within 10 rows of its first binary search, its random start can take ~100
# uniform draws), the bench's SimBA within 15 of its first kept step (median 10; on iris's
# 4 features too), the authors' SimBA and ZOO caught; HopSkipJump
# behind 1 % noise or 2-decimal rounding within 10 rows (ART's: of its first binary search),
# behind 3 % noise in a median of 10, SimBA behind rounding caught, SimBA behind 1 % noise
# caught (median within 15 rows; on iris within 12: its steps against the client's
# pooled noise floor). Attacks spread over 64 source addresses
# (hsj_dist, simba_dist, simba_noise_dist) are caught on the model's view across clients,
# and 40 ordinary users sending a popular demo record (as is, edited in one field, re-typed)
# and a few popular records raise nothing (popular). Benign patterns include a
# quantised sensor whose readings flicker by one step, readings settling on a set point (steps
# halving without turning back), a user bisecting one feature (what-if threshold search), a
# data scientist's one-at-a-time sensitivity analysis (ICE curves, tornado charts: 3-6
# features of a record in turn, each set to 2-8 values across its range; tornado: 2 or 3
# values only, on digits' integer pixels 0 and 16 mirror each other around 8) and a local
# sensitivity analysis (local_probe: each feature of a record moved up and down by one
# small delta, x + d e_j and x - d e_j: the mirrored probes of ZOO and SimBA, around a
# centre that never moves). Behind a device's uneven noise: a scene
# whose channels dither by one step (flicker_noise), live records probed +- d along 12 or all
# features (probe_noise, probe_all_noise), readings at each channel's resolution (sensor_lsb)
# and a what-if step grid on live readings (whatif_steps_noise): flicker_noise and
# probe_all_noise asserted quiet up to 256 features, the others reported (open).
# SimBA is judged from its first kept step: stuck on saturated
# answers (breast cancer) it keeps none and sends what local_probe sends (reported, not
# judged); ZOO is caught at its second round of probes, once its centre moved; NES within
# its first request of antithetic samples (mirror pairs in many directions around one point).
# The Square Attack (its authors' L-inf code on a one-channel row: every row after its
# target a vertex of one L-inf box around it) is caught on wine, breast cancer and digits
# (median within 15 rows); on iris's 4 features, stuck on saturated answers, it sends a
# handful of distinct vertices and is reported, not judged. The Boundary Attack as foolbox
# runs it by default is caught within its blended-noise start (a line from the original);
# from a starting point of another class (the walk alone) by its lines toward the original
# (every 10th step its candidate and its spherical candidate lie on a line through x0): the
# first such line passes through x0, which it asked the model about first (rules/schema.md,
# Lines through the original), at its 10th step (11 rows into the walk) in the median;
# without x0 sent three lines meeting in one point (Lines toward one point) at its 30th.
# Three more published attacks as their reference code runs them: SimBA as ART runs it
# (both sides every iteration; DCT directions on images, whose every pixel moves and whose
# pairs are clipped at the image's range), Bandits (Ilyas et al. 2019: a sign walk, each
# step the same length per coordinate, turning, probes between; judged from 16 features),
# Sign-OPT as ART runs it (binary searches along rays from the original).
# On gradient-boosted trees (breast cancer and digits, raw units) SimBA behind 1 % noise is
# caught within 15 rows of its first kept step, no benign role flagged.
. "$(dirname "$0")/lib/common.sh"
/usr/bin/python3 -c 'import sklearn, numpy' 2>/dev/null || fail "/usr/bin/python3 sklearn/numpy missing (Debian python3-sklearn)"
REPLAY=$IG_BUILD/tests/adv_replay
[ -x "$REPLAY" ] || fail "adv_replay not built ($REPLAY)"
bad=0
# digits:5:4: the digits scaled up 4 times (32 x 32 = 1,024 features: wide rows, the view
# across clients by random projections; adversarial.fingerprint's shipped min_features
# leaves rows up to 4,096 to the boundary detector). DS:SEED:UP:8: on a busy model, with 8
# more ordinary clients sending 10 rows a request (evasion_streams.py --crowd:
# tests/tools/benign_roles.py's roles) while the attacks over 64 addresses run: their
# volume must not hide those attacks (it did when the view was one window of the model's
# last 512 rows: HopSkipJump missed on wine, caught after 88-113 rows on iris and breast
# cancer) nor raise anything on them. digits:3:1:8: a busy client's imputed records joined
# SimBA-over-64-addresses' stream in the view (10 busy rows per step of it): one was named a
# distributed search and the search only at its 85th row (busy clients' rows now join no
# cross stream unless their own stream found a search). iris:3: a quantised sensor's one-step
# flicker (sensor_q) was flagged there until session 21's lattice rule. iris:0: ART's
# HopSkipJump behind 1 % noise starts on a line one feature dominates (participation ratio
# 1.26), whose halving steps were taken for a slider's: never caught until session 21's
# narrow-line rule (rules/schema.md, Narrow lines), now within its first binary search.
# breast_cancer:3:1:8: a busy client's records drifting from one record to another behind
# noise (crowd_drift), 3,010 rows, was flagged at its 860th row by a first cut of the
# client's noise per coordinate (rules/schema.md, Noise per coordinate).
for spec in wine:5 wine:6:1:8 breast_cancer:5 breast_cancer:6:1:8 digits:5 digits:6:1:8 iris:5 iris:3 \
            iris:0 iris:6:1:8 digits:5:4:8 digits:3:1:8 breast_cancer:3:1:8; do
    ds=${spec%%:*} rest=${spec#*:} seed=${rest%%:*} up=1 raw= crowd=0
    [ "$rest" = "$seed" ] || { up=${rest#*:}; [ "${up#*:}" = "$up" ] || crowd=${up#*:}; up=${up%%:*}; }
    case $ds in breast_cancer|digits) raw=--raw ;; esac
    /usr/bin/python3 "$IG_SRC/bench/python/evasion_streams.py" --dataset "$ds" $raw --seed "$seed" \
        --upsample "$up" --crowd "$crowd" --out "$WORK/s" --list "$WORK/roles" || fail "evasion_streams.py failed on $spec"
    "$REPLAY" --rules "$IG_SRC/rules" < "$WORK/s" > "$WORK/out" 2>"$WORK/err" || fail "adv_replay failed: $(tail -3 "$WORK/err")"
    join "$WORK/roles" "$WORK/out" > "$WORK/j"
    [ "$(wc -l < "$WORK/j")" -ge 38 ] || fail "$spec: only $(wc -l < "$WORK/j") clients replayed"
    # role mark queries first analytic findings title...
    while read -r _ role mark q first analytic n _; do
        case $role in
        warm|records|oneclass|resend|retry|busy|frames|frames_edge|noisy|whatif|whatif_multi|sensor_rr|ramp|sensor_q|settle|whatif_bisect|popular|sensitivity|tornado|local_probe|crowd_*)
            if [ "$n" != 0 ]; then echo "$spec: benign $role: $n findings (first at row $first)"; bad=1; fi ;;
        # behind a device's uneven noise (rules/schema.md, Noise is no move): a scene whose
        # channels dither by a step and a live record probed +- d along all its features,
        # asserted up to 256 features; live records probed along 12 features (digits:6:1:8:
        # greedy choices at row 89), a what-if step grid on live readings (digits:5: a star
        # at row 50), readings at each channel's resolution (iris:6:1:8, 4 features: at row
        # 88, as before) and wide rows (1,024 features, no noise per coordinate) are
        # reported: open
        flicker_noise|probe_noise|probe_all_noise|sensor_lsb|whatif_steps_noise)
            if [ "$n" != 0 ]; then
                if [ "$up" = 1 ] && { [ "$role" = flicker_noise ] || [ "$role" = probe_all_noise ]; }; then
                    echo "$spec: benign $role: $n findings (first at row $first)"; bad=1
                else
                    echo "$spec: benign $role: $n findings (first at row $first; open, not asserted)"
                fi
            fi ;;
        # a what-if scenario and its local sensitivity analysis behind measurement noise (one
        # field of a record set to a typed value, then the other fields moved up and down by
        # a small delta): asserted quiet on iris (the 4-feature judgement of a step kept
        # behind noise needs its kept step probe-sized); from 8 features findings of mirrored
        # coordinates flag it on some seeds (wine, breast cancer, digits: 18 of 60 sets at
        # 3edcef3): a known false positive found in session 24, reported (rules/schema.md,
        # A step kept behind noise, Below 8 features)
        whatif_probe)
            if [ "$n" != 0 ]; then
                if [ "$ds" = iris ]; then echo "$spec: benign $role: $n findings (first at row $first)"; bad=1
                else echo "$spec:$first" >> "$WORK/known_fp"; fi
            fi ;;
        hsj_lab|hsj_noise|hsj_round) lim=10 ;;
        # SimBA's mark: its rows up to its first kept step (the search moves); stuck on
        # saturated answers before it, it probes its start as a local sensitivity analysis
        # (local_probe) does and is not judged; never kept (mark = all its rows): reported
        simba_*) if [ "$role" != simba_batch ] && [ "$mark" -ge "$q" ]; then
                     echo "$spec $role stuck" >> "$WORK/stuck"; continue
                 fi ;;&
        hsj_art|hsj_art_noise) lim=$((mark + 10)) ;;
        # not asserted one by one: 3 % noise hides most of a binary search (its median is,
        # below)
        hsj_noise3) lim=-1 ;;
        # SimBA behind 1 % noise: its steps dominate the noise; on iris's 4 features
        # against the client's noise floor pooled over its recent rows
        simba_noise) if [ "$ds" = iris ]; then lim=$((mark + 12)); else lim=$q; fi ;;
        simba_lab) lim=$((mark + 15)) ;;
        hsj_rot)   lim=12 ;;   # a fresh API key per request: the source's stream catches it
        simba_rot) lim=$((mark + 40)) ;;
        # SimBA's batch variant (8 targets at once) on 1,024 features: not caught (reported)
        simba_batch) if [ "$up" != 1 ]; then lim=-1; else lim=$q; fi ;;
        simba_ref|zoo|simba_round) lim=$q ;;
        # spread over 64 source addresses, one request each in turn: the model's view
        # across clients (below 8 features, where ordinary records of several clients meet
        # as exact children by chance: iris, greedy choices need twice the evidence; SimBA
        # measured within 28 rows of its first kept step over 8 seeds, behind 1 % noise
        # caught at 10-139, was never)
        # HopSkipJump: within 12 rows, its first binary search (rules/schema.md,
        # Bisections over many addresses; measured 7-10 over 8 seeds, was up to 124)
        hsj_dist) lim=12 ;;
        simba_dist) lim=$((mark + 40)) ;;
        simba_noise_dist) lim=$q ;;
        # NES (Ilyas et al. 2018): its start, then 50 antithetic samples per request around a
        # centre it never sends again; its first request of samples is a gradient estimate,
        # caught within it (an antithetic cloud: 4 mirror pairs in new directions around one
        # point; its mark: the rows up to the end of that request; measured at the mark on
        # every stream, was 101-201 rows once the centre moved). On saturated answers
        # (p_true rounds to 1) it never steps (mark = all its rows): reported, not judged.
        # On 1,024 features the relations keep 8 raw inputs (rel_slots: ~2k values), so a
        # sample's antipode, 25 rows back, is gone: not caught (reported)
        nes) if [ "$mark" -ge "$q" ]; then echo "$spec nes stuck" >> "$WORK/stuck"; continue; fi
             if [ "$up" != 1 ]; then lim=-1; else lim=$mark; fi ;;
        # the Square Attack: vertices of one L-inf box (rules/schema.md, Vertices of one
        # box); on iris, stuck on saturated answers, a few distinct vertices: reported
        square) if [ "$ds" = iris ]; then lim=-1; else lim=$q; fi ;;
        # the Boundary Attack: foolbox's default start (a linear search along a line from
        # the original to a uniform draw) holds bisection rows; from a starting point of
        # another class the walk alone: caught (its median below); on 1,024 features the
        # relations keep 8 raw inputs (rel_slots), and its lines come 11 rows apart: not
        # caught (reported)
        bnd_walk) lim=$((mark + 10)) ;;
        bnd_start) if [ "$up" != 1 ]; then lim=-1; else lim=$q; fi ;;
        # SimBA as ART runs it (both sides every iteration; on images its default DCT
        # directions, elsewhere pixels): judged from its first kept step. On digits every
        # pixel moves, half of each pair clipped at 0 (rules/schema.md, Mirrors up to
        # clipping): caught within its stream, each target fooled in a few iterations (so
        # on iris's 4 features: 8-28 rows measured; elsewhere within 20 of its first kept
        # step); on 1,024 features (the relations keep 8 raw inputs) not caught (reported)
        simba_art) if [ "$up" != 1 ]; then lim=-1
                   elif [ "$ds" = digits ] || [ "$ds" = iris ]; then lim=$q; else lim=$((mark + 20)); fi ;;
        # Bandits (Ilyas et al. 2019): its sign walk (rules/schema.md, Sign walks), from 16
        # features, within 30 rows (its third step, row 10 of a target; measured 10-24);
        # wine's 13 and iris's 4 features and 1,024 ones (8 raw inputs kept, its steps 3
        # rows apart) not judged (reported)
        bandits) if [ "$ds" = iris ] || [ "$ds" = wine ] || [ "$up" != 1 ]; then lim=-1; else lim=30; fi ;;
        # Sign-OPT as ART runs it (labels only): its binary searches along rays from the
        # original, within 10 rows of its first (its mark: the first of its random
        # directions answered as another class; before it, Gaussian draws around x0)
        sign_opt) lim=$((mark + 10)) ;;
        *) fail "unknown role $role" ;;
        esac
        case $role in
        hsj_*|simba_*|zoo|nes|square|bnd_*|bandits|sign_opt)
            if [ "$lim" = -1 ]; then
                [ "$first" = 0 ] && first=9999   # missed
                echo "$spec $role $((first - mark))" >> "$WORK/caught"; continue
            fi
            if [ "$first" = 0 ] || [ "$first" -gt "$lim" ] || [ "${analytic#adversarial.}" = "$analytic" ]; then
                echo "$spec: $role caught at row $first ($analytic), bound $lim"; bad=1
            fi
            echo "$spec $role $((first - mark))" >> "$WORK/caught" ;;
        esac
    done < "$WORK/j"
done
# Boosted trees (sk_model_server.py --model gboost: piecewise-constant answers): SimBA
# behind 1 % noise probes one point for many rows, no single noisy row its base; judged over
# its recent rows together (rules/schema.md, A step kept behind noise) it is caught within
# 15 rows of its first kept step (breast cancer and digits, seeds 0-6: 1-17 rows, median 11;
# was 1-175, median 22; these two sets 175 -> 10 and 38 -> 13); every benign role quiet
# there too (the other attack roles are reported by the loop above only for the MLP)
# On iris's 4 features (z-scores) SimBA behind noise on boosted trees mostly fools a target
# in one step or sits on saturated answers; where it searches it is judged over its recent
# rows together since session 24 (3 mirrored coordinates besides the kept one, the noise
# pooled over coordinates, the kept step probe-sized): asserted caught (seed 1: 115 -> 9 rows
# after its first kept step; seed 6: 77 -> 35, 2 rows after the kept step of its first
# search of more than one step)
for spec in breast_cancer:1 digits:1 iris:1 iris:6; do
    ds=${spec%%:*} seed=${spec#*:} raw=--raw
    [ "$ds" = iris ] && raw=
    /usr/bin/python3 "$IG_SRC/bench/python/evasion_streams.py" --dataset "$ds" $raw --seed "$seed" \
        --model gboost --out "$WORK/s" --list "$WORK/roles" || fail "evasion_streams.py failed on gboost $spec"
    "$REPLAY" --rules "$IG_SRC/rules" < "$WORK/s" > "$WORK/out" 2>"$WORK/err" || fail "adv_replay failed: $(tail -3 "$WORK/err")"
    join "$WORK/roles" "$WORK/out" > "$WORK/j"
    while read -r _ role mark q first analytic n _; do
        case $role in
        hsj_*|simba_*|zoo|nes|square|bnd_*|bandits|sign_opt) ;;
        *) if [ "$n" != 0 ]; then echo "gboost $spec: benign $role: $n findings (first at row $first)"; bad=1; fi ;;
        esac
        lim=$((mark + 15))
        [ "$ds" = iris ] && lim=$q
        if [ "$role" = simba_noise ] && [ "$mark" -lt "$q" ] &&
           { [ "$first" = 0 ] || [ "$first" -gt "$lim" ]; }; then
            echo "gboost $spec: simba_noise caught at row $first, its first kept step at $mark"; bad=1
        fi
        [ "$role" = simba_noise ] && echo "gboost $spec simba_noise $((first - mark))" >> "$WORK/caught_gb"
    done < "$WORK/j"
done
[ -s "$WORK/caught_gb" ] && echo "boosted trees, SimBA behind noise, rows after its first kept step:" $(cut -d' ' -f4 "$WORK/caught_gb")
sort -k2,2 "$WORK/caught" | awk '{r[$2] = r[$2] " " $3} END {for (k in r) print "first finding at row:", k, r[k]}'
[ -s "$WORK/known_fp" ] && echo "known false positive, whatif_probe flagged (spec:row):" $(cat "$WORK/known_fp" | tr '\n' ' ')
[ -s "$WORK/stuck" ] && echo "SimBA never kept a step, NES never stepped (saturated answers; not judged):" $(cat "$WORK/stuck" | tr '\n' ';')
# the median HopSkipJump is caught within 10 rows (ART's: of its first binary search), also
# behind noise or rounding; so is the median SimBA (the bench's: greedy choices)
for role in hsj_art hsj_lab hsj_noise hsj_noise3 hsj_round hsj_art_noise simba_lab; do
    med=$(awk -v r=$role '$2 == r {print $3}' "$WORK/caught" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    [ "$med" -le 10 ] || { echo "$role: median first finding at row $med (> 10)"; bad=1; }
done
# SimBA behind 1 % noise: median within 15 rows (was not caught at all); spread over 64
# addresses: SimBA in a median of 12 rows, behind noise 25 (was 20 before a star alone
# stopped firing: it must see the search move, and behind noise on 1,024 features the
# start's star of mirrored probes came at row 12, a probe around a kept step at 34),
# HopSkipJump 10 (within 12, above), SimBA within 40, also on a busy model (HopSkipJump
# measured 7-10); SimBA counted from its first kept step
for spec in simba_noise:15 simba_dist:12 simba_noise_dist:25 hsj_dist:10; do
    role=${spec%%:*} lim=${spec#*:}
    med=$(awk -v r="$role" '$2 == r {print $3}' "$WORK/caught" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    [ "$med" -le "$lim" ] || { echo "$role: median first finding at row $med (> $lim)"; bad=1; }
done
# the Square Attack (rules/schema.md, Vertices of one box): median within 15 rows on wine,
# breast cancer and digits (measured over seeds 0-7: 9-17 rows on 21 of 24 sets, 29, 38
# and 51 on the others, 150 on 1,024-feature digits; was missed on 8, 9-117 on the others)
med=$(awk '$2 == "square" && $1 !~ /^iris/ {print $3}' "$WORK/caught" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
[ "$med" -le 15 ] || { echo "square: median first finding at row $med (> 15)"; bad=1; }
# the Boundary Attack's walk alone (rules/schema.md, Lines through the original: it asked the
# model about the original first): median within 12 rows of its start (measured over seeds
# 0-7 x 4 data sets: 11 rows on 31 of 32, its 10th step, 22 on one; 33, its 30th, by the
# three lines of Lines toward one point before session 24; never before session 23;
# 1,024-feature digits left out, above)
med=$(awk '$2 == "bnd_start" && $1 !~ /^digits:[0-9]+:4/ {print $3}' "$WORK/caught" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
[ "$med" -le 12 ] || { echo "bnd_start: median first finding at row $med (> 12)"; bad=1; }
[ "$bad" = 0 ] || fail "evasion replay targets missed (above)"
echo "ok: evasion replay targets met"
