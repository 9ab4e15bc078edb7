# shellcheck shell=bash
# Shared set-up of the nginx benchmarks, sourced (from the repository root)
# by tests/bench/bench.sh (wrk) and tests/bench/callgrind.sh (valgrind), so
# that both measure the same request against the same page and module
# configuration.  Only what the two have in common is here; how nginx is
# configured and run (daemon and master process, or one process under
# valgrind), the temp dir and the cleanup stay in each script.
#
# Provides:
#   UA, COOKIES              the browser's User-Agent and its 15 cookies
#   free_port                prints a free port on 127.0.0.1
#   write_page FILE          the ~5 KB HTML page both serve
#   write_secret FILE        48 random bytes, mode 0600 (privacy_secret_file)
#   privacy_http_conf SECRET DB
#                            the module's http-level lines: secret, db,
#                            policy version and the 10 privacy_cookie
#                            patterns (4-space indent)
#   privacy_server_conf ANALYTICS
#                            the server-level lines: privacy on,
#                            privacy_analytics ANALYTICS, the portal at
#                            /privacy/ (8-space indent)
#   consent_cookie PORT      the "privacy_consent=..." pair the portal on
#                            127.0.0.1:PORT sets for $CONSENT (all: accept
#                            all; otherwise preferences + statistics); empty
#                            if none came
#   same_headers PORT COOKIE  the module's extra response headers as
#                            add_header lines (BASELINE=headers)
#   header_cookies [PAIR]    $COOKIES with PAIR (the consent cookie) spliced
#                            in, or $COOKIES alone if PAIR is empty

set -euo pipefail   # as in the scripts that source this: the functions rely on it

UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
# the same 15 cookies as tests/bench/bench_hot.c
COOKIES='_ga=GA1.1.1234567890.1716900000; _gid=GA1.1.987654321.1716900000; _fbp=fb.1.1716900000000.1234567890; session=4f9c2e8a7b6d5c4e3f2a1b0c9d8e7f6a; lang=sv; cart=3; _gcl_au=1.1.1234567890.1716900000; cookie_test=1; theme=dark; _hjSessionUser_3456789=eyJpZCI6IjEyMzQ1Njc4OSJ9; recently_viewed=101%2C202%2C303; ab_test=variant_b; currency=SEK; csrftoken=abc123def456ghi789; intercom-id-xyz1=9f8e7d6c-5b4a-3210-fedc-ba9876543210'

free_port() {
    perl -MIO::Socket::INET -e \
        'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1",
                                      LocalPort => 0, ReuseAddr => 1)
             ->sockport, "\n"'
}

write_page() {   # file
    mkdir -p "$(dirname "$1")"
    {
        echo '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        echo '<title>Byggvaruhuset</title><link rel="stylesheet" href="/site.css">'
        echo '</head><body><header><h1>Byggvaruhuset</h1><form action="/sok">'
        echo '<input name="q"><button>Sök</button></form></header><main>'
        for i in $(seq 1 40); do
            echo "<article><h2>Produkt $i</h2><p>Impregnerat virke 45x95, längd"
            echo "${i}00 mm. Pris $((i * 37)) kr.</p><a href=\"/p/$i\">Köp</a></article>"
        done
        echo '</main><footer>Org.nr 556000-0000</footer></body></html>'
    } > "$1"
}

write_secret() {   # file
    head -c 48 /dev/urandom > "$1"
    chmod 600 "$1"
}

privacy_http_conf() {   # secret-file db-file
    cat <<EOF
    privacy_secret_file $1;
    privacy_db $2;
    privacy_policy_version 2024-06;

    privacy_cookie necessary   '^session\$';
    privacy_cookie necessary   '^csrftoken\$';
    privacy_cookie necessary   '^cart\$';
    privacy_cookie preferences '^lang\$';
    privacy_cookie preferences '^(theme|currency)\$';
    privacy_cookie statistics  '^_ga(_.*)?\$';
    privacy_cookie statistics  '^_gid\$';
    privacy_cookie statistics  '^_hj';
    privacy_cookie marketing   '^_fbp\$';
    privacy_cookie marketing   '^_gcl_';
EOF
}

privacy_server_conf() {   # on|off (privacy_analytics)
    cat <<EOF
        privacy on;
        privacy_analytics $1;

        location /privacy/ {
            privacy_analytics off;
            privacy_portal;
        }
EOF
}

consent_cookie() {   # port
    local form='action=save&category=preferences&category=statistics'
    if [ "$CONSENT" = all ]; then
        form='action=accept_all'
    fi
    # a browser's form POST names its origin (the portal's CSRF check)
    curl -sS -o /dev/null -D - -A "$UA" \
        -H 'Host: shop.example' -H 'Origin: http://shop.example' \
        --data "$form" \
        "http://127.0.0.1:$1/privacy/consent" \
        | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(privacy_consent=[^;]*\).*/\1/p'
}

# the module's response headers for the page that stock nginx does not
# send (the expiring Set-Cookies, ...), as add_header lines: stock
# configured with them sends the same header bytes (BASELINE=headers),
# the floor of what sending them costs whoever builds them
same_headers() {   # port cookie-header
    curl -sS -o /dev/null -D - -A "$UA" -H 'Host: shop.example' \
        -H "Cookie: $2" "http://127.0.0.1:$1/index.html" \
        | tr -d '\r' | perl -ne '
            next unless /^([A-Za-z0-9-]+): (.*)$/;
            my ($name, $value) = ($1, $2);
            next if lc($name) =~ /^(date|server|content-type|content-length
                                |last-modified|connection|keep-alive|etag
                                |accept-ranges)$/x;
            die "same_headers: a \$, \" or \\ in $name\n"
                if $value =~ /[\$"\\]/;
            print "            add_header $name \"$value\";\n"'
}

header_cookies() {   # [consent cookie pair]
    if [ -n "${1:-}" ]; then
        # after the fourth cookie, where a browser would have put it
        echo "$COOKIES" | sed "s/; lang=/; $1; lang=/"
    else
        echo "$COOKIES"
    fi
}
