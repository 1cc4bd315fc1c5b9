FROM python:3.12.2-slim
RUN pip install --no-cache-dir flask requests==2.31.0
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
