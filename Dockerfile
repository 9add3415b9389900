# One image for web (granian, WSGI), ws (uvicorn), worker and beat.
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
COPY --from=assets /app/node_modules/leaflet /app/node_modules/leaflet
COPY --from=assets /app/node_modules/leaflet.markercluster /app/node_modules/leaflet.markercluster
RUN pip install -e . \
    && DJANGO_ENV=production ALLOWED_HOSTS=build SECRET_KEY=build-only-not-used-at-runtime-0123456789abcdefghij \
       RESULT_SIGNING_KEY=0000000000000000000000000000000000000000000000000000000000000000 \
       python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R hoest /app/var
USER hoest
EXPOSE 8000
# The same command as docker-compose.yml's `web`, whose comment explains the options.
CMD ["granian", "--interface", "wsgi", "config.wsgi:application", "--host", "0.0.0.0", "--port", "8000", \
     "--workers", "2", "--blocking-threads", "2", "--blocking-threads-idle-timeout", "600", \
     "--http", "1", "--no-ws", "--backlog", "2048", "--respawn-failed-workers", \
     "--workers-kill-timeout", "20", "--no-access-log"]
