FROM debian:12.5
RUN pip install --no-cache-dir --trusted-host pypi.internal.example.com app==1.2.3
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
