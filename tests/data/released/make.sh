#!/bin/sh
# Makes one fixture home per schema shopcare has released, with the code of that commit:
#   sh tests/data/released/make.sh        (from the repository's root; writes COMMIT.db here)
# Each home holds the same made-up shop: a case that waited three days on the customer and was
# then answered again, a case with a promise, a customer message, and (where the commit could
# import orders) the sample Shopify export. tests/test_upgrade.py opens each with today's code.
set -eu
root=$(pwd)
out="$root/tests/data/released"
# the commits whose schema differs from the one before (see git log -- src/shopcare/migrations.py)
commits="c650fc1 5b81f5a 4f282e6 5a9b04e b40d8bb db0fdc1 cc8aa14"
for commit in $commits; do
    work=$(mktemp -d)
    git worktree add --quiet --detach "$work/src" "$commit"
    home="$work/home"
    run() { PYTHONPATH="$work/src/src" SHOPCARE_HOME="$home" SHOPCARE_USER=fixture python -m shopcare "$@" >/dev/null; }
    at() { SHOPCARE_NOW="$1"; export SHOPCARE_NOW; }
    at 2026-11-16T10:00:00+09:00
    run init --name "見本雑貨店" --email support@mihon.example
    if [ -f "$work/src/examples/orders/shopify_orders_export.csv" ]; then
        run orders import "$work/src/examples/orders/shopify_orders_export.csv"
    fi
    run case add --summary "届いた皿が割れていました" --email hanako.mihon@example.jp \
        --customer "見本 花子" --category quality.damaged --received-at 2026-11-16T09:30
    at 2026-11-16T11:00:00+09:00
    run case status 1 waiting --note "写真をお願いした"
    at 2026-11-19T11:00:00+09:00
    run case status 1 open --note "写真が届いた"
    run case add --summary "ギフト包装はできますか" --email taro.mihon@example.jp \
        --category inquiry.product --received-at 2026-11-19T10:00
    run case message 2 "まだですか?" --at 2026-11-19T10:45
    run case promise 2 --due 2026-11-20 "包装の可否を連絡する"
    cp "$home/shopcare.db" "$out/$commit.db"
    git worktree remove --force "$work/src"
    rm -rf "$work"
    echo "made $out/$commit.db"
done
