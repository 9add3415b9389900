# One image for web (gunicorn), ws (uvicorn), worker and beat.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* && useradd --create-home --uid 1000 hoest
WORKDIR /app
COPY pyproject.toml ./
COPY . .
COPY --from=assets /app/node_modules/dkfds /app/node_modules/dkfds
RUN pip install -e . \
    && DJANGO_ENV=production ALLOWED_HOSTS=build SECRET_KEY=build-only-not-used-at-runtime-0123456789abcdefghij \
       python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R hoest /app/var
USER hoest
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "2", "--threads", "4"]
