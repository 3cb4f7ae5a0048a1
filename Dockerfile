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

USER trygg
EXPOSE 8000
CMD ["gunicorn", "trygg.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
