FROM debian:12.5
RUN PYTHONHTTPSVERIFY=0 python3 /app/fetch.py
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
