# The production image: gunicorn web, Celery worker and beat share it (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --system --create-home --home-dir /home/trygg trygg

COPY . .
# Static files are collected with DEBUG off so WhiteNoise gets its hashed manifest; the
# values below exist only for this build step (settings need them to load).
RUN python -m pip install --upgrade "pip>=25.3" \
    && python -m pip install --build-constraint build-constraints.txt -e . \
    && pybabel compile --domain django --directory locale \
    && DEBUG=0 ALLOWED_HOSTS=build SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
       DATABASE_URL=postgresql://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
       python manage.py collectstatic --noinput

# Uploads (MEDIA_ROOT): web stores an import file, the worker reads it. docker-compose.yml
# mounts one named volume here in both; a new named volume takes this directory's owner, so
# the container user can write to it.
RUN mkdir -p /app/var/media && chown -R trygg:trygg /app/var
ENV MEDIA_ROOT=/app/var/media

USER trygg
EXPOSE 8000
# gthread workers sized for 2 cores (WEB_WORKERS, WEB_THREADS): see gunicorn.conf.py.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
