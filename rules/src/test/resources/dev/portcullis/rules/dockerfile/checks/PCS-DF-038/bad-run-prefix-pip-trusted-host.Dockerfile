FROM debian:12.5
RUN PIP_TRUSTED_HOST=pypi.internal.example.com pip install --no-cache-dir -r requirements.txt
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
