#!/usr/bin/env bash
# Fuzzes Kiln with libFuzzer: builds the library with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer (and libFuzzer's coverage instrumentation) in build-fuzz/,
# links each target of tests/fuzz/ against it, and runs each for FUZZ_SECONDS seconds
# (default 60) on build-fuzz/corpus/<target>, a copy of tests/fuzz/corpus/<target> that
# also keeps what earlier runs found. Prints, for each target, the executions, the
# coverage (cov: and ft: of libFuzzer's last statistics) and whether it crashed; exits
# non-zero if one crashed, hung, leaked or ran out of memory, naming the file that holds
# the input (in build-fuzz/artifacts/<target>/). fuzz_mesh goes on after a failure that
# lies inside assimp and lists it apart, since Kiln cannot fix it. FUZZ_TARGETS
# (default: all) chooses targets, such as "png stream". Installs what it needs: clang
# and the libraries (Debian packages), meson and ninja (PyPI) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_TARGETS=${FUZZ_TARGETS:-"png mesh convert pixelbox stream"}

# The longest input each target is given: whole files for the parsers, a few
# kilobytes of parameters and operations for the others.
max_len() {
    case $1 in
    png | mesh) echo 65536 ;;
    *) echo 4096 ;;
    esac
}

scripts/install-debian-packages.sh clang llvm pkg-config libpng-dev libjpeg62-turbo-dev libassimp-dev
if ! "$PYTHON" -c "import mesonbuild" 2>/dev/null || ! command -v ninja >/dev/null; then
    "$PYTHON" -m pip install -q --disable-pip-version-check "meson>=1.1" ninja 2>&1 |
        grep -v "Running pip as the 'root' user" || true
fi
# libFuzzer ships in clang's runtime package, which some installs leave out.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }' \
    >"$probe/probe.c"
if ! clang -fsanitize=fuzzer "$probe/probe.c" -o "$probe/probe" 2>/dev/null; then
    major=$(clang -dumpversion | cut -d. -f1)
    scripts/install-debian-packages.sh "libclang-rt-$major-dev"
fi

# The library: sanitized, with coverage for libFuzzer. The targets link the shared
# library, which names the libraries it needs itself.
MESON="$PYTHON -m mesonbuild.mesonmain"
if [[ ! -f $FUZZ_BUILD/build.ninja ]]; then
    CC=clang $MESON setup "$FUZZ_BUILD" -Doptimization=1 -Ddebug=true \
        -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true \
        "-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" \
        -Dpython=disabled -Dtests=disabled -Dsamples=false
fi
$MESON compile -C "$FUZZ_BUILD" kiln:shared_library

# The targets: one executable per tests/fuzz/fuzz_<name>.c.
CFLAGS=(-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Werror -g -O1
    -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
LIBDIR=$(cd "$FUZZ_BUILD" && pwd)
mkdir -p "$FUZZ_BUILD/fuzz"
for t in $FUZZ_TARGETS; do
    clang "${CFLAGS[@]}" -Iinclude "tests/fuzz/fuzz_$t.c" -L"$LIBDIR" -lkiln \
        -Wl,-rpath,"$LIBDIR" -o "$FUZZ_BUILD/fuzz/fuzz_$t"
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if command -v llvm-symbolizer >/dev/null; then
    export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer)}
fi

# fuzz_mesh reaches assimp, whose importers crash, hang and run out of memory on their
# own. It runs in libFuzzer's fork mode, which goes on after a failure; each input that
# failed is then run again alone and is Kiln's unless its report reaches assimp (or a
# library assimp uses) before any frame of Kiln or of the target. An allocation's stack
# stops in the first library without frame pointers, so a report whose stack reaches
# neither is run once more with full stacks (far slower, hence not the first time).
forked() { [[ $1 == mesh ]]; }
THIRD_PARTY='libassimp\.so|libz\.so|libminizip\.so|libdraco\.so'
KILN_CODE='/src/|/tests/fuzz/'

# Prints "third-party", "Kiln" or "not reproduced" for input $2 of target $1.
whose() {
    local out frame unwind
    for unwind in "" ":fast_unwind_on_malloc=0"; do
        if out=$(ASAN_OPTIONS="$asan$unwind" LSAN_OPTIONS=$lsan timeout 300 \
            "$FUZZ_BUILD/fuzz/fuzz_$1" -timeout=10 -rss_limit_mb=2048 "$2" 2>&1); then
            echo "not reproduced"
            return
        fi
        frame=$(grep -E '^ +#[0-9]+ ' <<<"$out" | grep -E "$THIRD_PARTY|$KILN_CODE" | head -n 1 ||
            true)
        if grep -qE "$THIRD_PARTY" <<<"$frame"; then
            echo "third-party"
            return
        elif [[ -n $frame ]]; then
            break
        fi
    done
    echo "Kiln"
}

summary=()
failed=0
for t in $FUZZ_TARGETS; do
    corpus=$FUZZ_BUILD/corpus/$t
    artifacts=$FUZZ_BUILD/artifacts/$t
    log=$FUZZ_BUILD/fuzz/fuzz_$t.log
    mkdir -p "$corpus" "$artifacts"
    find "tests/fuzz/corpus/$t" -maxdepth 1 -type f -exec cp {} "$corpus/" \;
    echo "== fuzz_$t: $FUZZ_SECONDS s on $corpus (log: $log)"
    # Reports that belong to third-party libraries, for the targets that reach them
    # (tests/fuzz/asan_<target>.supp, lsan_<target>.supp).
    asan=$ASAN_OPTIONS
    lsan=${LSAN_OPTIONS:-}
    if [[ -f tests/fuzz/asan_$t.supp ]]; then
        asan=$asan:suppressions=$PWD/tests/fuzz/asan_$t.supp
    fi
    if [[ -z $lsan && -f tests/fuzz/lsan_$t.supp ]]; then
        lsan=suppressions=$PWD/tests/fuzz/lsan_$t.supp:print_suppressions=0
    fi
    options=(-max_total_time="$FUZZ_SECONDS" -max_len="$(max_len "$t")" -timeout=10
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/")
    if forked "$t"; then
        options+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    before=$(ls "$artifacts")
    status=0
    start=$SECONDS
    ASAN_OPTIONS=$asan LSAN_OPTIONS=$lsan "$FUZZ_BUILD/fuzz/fuzz_$t" "${options[@]}" "$corpus" \
        >"$log" 2>&1 || status=$?
    secs=$((SECONDS - start))
    # libFuzzer's last statistics: "#N DONE cov: C ft: F ..." ("#N: cov: ..." when forked).
    stats=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n 1)
    [[ -n $runs ]] || runs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$stats")
    cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$stats")
    ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$stats")
    # The inputs this run left: crash-, leak-, timeout-, oom- files.
    found=$(comm -13 <(sort <<<"$before") <(ls "$artifacts" | sort) | sed "s|^|$artifacts/|")
    kiln=() others=()
    for f in $found; do
        who=Kiln
        if forked "$t"; then
            who=$(whose "$t" "$f")
        fi
        echo "  $f: $who"
        if [[ $who == third-party ]]; then
            others+=("$f")
        else
            kiln+=("$f")
        fi
    done
    if ((status != 0)) || ((${#kiln[@]})); then
        failed=1
        grep -E '^(==[0-9]+== ?ERROR|SUMMARY:|fuzz_[a-z]+:)' "$log" | head -n 5 || true
        result="CRASHED (exit $status): ${kiln[*]:-see $log}"
    else
        result="no crash"
    fi
    if ((${#others[@]})); then
        result="$result; ${#others[@]} failure(s) inside assimp, not Kiln's (listed above)"
    fi
    line=$(printf '%-9s %10s executions in %4s s  cov: %-6s ft: %-7s %s' "$t" "${runs:-?}" \
        "${secs:-?}" "${cov:-?}" "${ft:-?}" "$result")
    echo "$line"
    summary+=("$line")
done

echo
echo "Fuzzing summary (${FUZZ_SECONDS} s per target):"
printf '  %s\n' "${summary[@]}"
exit "$failed"
