FROM python:3.12.2-slim
RUN pip install --no-cache-dir flask==3.0.2
USER 10001
HEALTHCHECK CMD ["/app/health"]
