FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# pg_dump and pg_restore for `manage.py backup` and `restore` (bookworm's 15, as the postgres:15 service).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
# The lock (scripts/lock): every package, transitive ones included, checked against its hash.
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY . .
# The image holds no .git: the commit for `manage.py version` and the footers comes from the bundle's COMMIT file, or
# from `--build-arg COMMIT=$(git rev-parse --short=12 HEAD)`.
ARG COMMIT=""
RUN if [ -n "$COMMIT" ]; then echo "$COMMIT" > COMMIT; fi
# The manifest that production (DEBUG off) needs is written only when DEBUG is off.
RUN SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --noinput
EXPOSE 8000
