FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# The manifest that production (DEBUG off) needs is written only when DEBUG is off.
RUN SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --noinput
EXPOSE 8000
