FROM debian:12.5
ENV PIP_TRUSTED_HOST=pypi.internal.example.com
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
