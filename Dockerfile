FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
# collectstatic needs settings but no secrets: a throwaway key for this one step.
RUN SECRET_KEY=build-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH \
    python manage.py collectstatic --noinput
RUN useradd --system app && chown -R app /app
USER app
EXPOSE 8000
CMD ["gunicorn", "policestation.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
