#!/usr/bin/env bash
# 安装或升级本目录中的版本（说明见 README-install.md）：
#   1. 只从本目录的 wheels/ 安装 Python 依赖（--no-index，不连网，逐个校验哈希）到本目录的 .venv/；
#   2. 迁移 DATABASE_URL 指向的数据库；
#   3. 数据库中还没有超级管理员时，创建第一个管理员（FXJZ_ADMIN_USERNAME，默认 admin）。
# 变量从 /etc/fxjz/fxjz.env 读取（或 FXJZ_ENV_FILE 指定的文件），也可直接在环境中给出。
#
# Installs this release from its own wheelhouse, never from an index, so that it runs on an intranet without internet;
# run again in the new release's directory to upgrade (the venv belongs to the release, beside the previous one).
set -euo pipefail
cd -P "$(dirname "$0")"

env_file="${FXJZ_ENV_FILE:-/etc/fxjz/fxjz.env}"
if [ -f "$env_file" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$env_file"
  set +a
fi
: "${DATABASE_URL:?请设置 DATABASE_URL（例如 postgres://fxjz:密码@127.0.0.1:5432/fxjz），写在 $env_file 中}"
: "${SECRET_KEY:?请设置 SECRET_KEY（至少 50 个随机字符），写在 $env_file 中}"
export DEBUG="${DEBUG:-0}"

python="${PYTHON:-python3.11}"
if ! "$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  echo "需要 CPython 3.11 及其 venv 模块（Debian/统信：apt install python3.11-venv）；可用 PYTHON=/路径/python3.11 指定。" >&2
  exit 1
fi

# Nothing of the machine's pip configuration applies: no index, no other wheel folder, no constraint file.
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_CONSTRAINT PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL
if [ ! -x .venv/bin/python ]; then
  echo "创建虚拟环境 .venv ..."
  "$python" -m venv .venv
fi
echo "从 wheels/ 安装依赖（不连网）..."
.venv/bin/python -m pip install --quiet --no-index --find-links wheels/ --require-hashes -r requirements.txt

echo "版本：$(.venv/bin/python manage.py version)"
.venv/bin/python manage.py check --deploy
echo "迁移数据库 ..."
.venv/bin/python manage.py migrate --noinput

admin="${FXJZ_ADMIN_USERNAME:-admin}"
has_admin=$(.venv/bin/python manage.py shell -v 0 -c \
  "from django.contrib.auth import get_user_model; print(get_user_model().objects.filter(is_superuser=True).exists())")
if [ "$has_admin" = "False" ]; then
  password="${FXJZ_ADMIN_PASSWORD:-}"
  generated=""
  if [ -z "$password" ]; then
    password=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))')
    generated=1
  fi
  DJANGO_SUPERUSER_PASSWORD="$password" .venv/bin/python manage.py createsuperuser --noinput --username "$admin" \
    --email "${FXJZ_ADMIN_EMAIL:-}"
  if [ -n "$generated" ]; then
    echo "已创建第一个管理员 $admin，初始密码（只显示这一次，请登录后立即修改）：$password"
  else
    echo "已创建第一个管理员 $admin（密码为 FXJZ_ADMIN_PASSWORD）。"
  fi
fi
echo "安装完成：$(pwd)"
