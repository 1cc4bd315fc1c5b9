FROM debian:12.5
COPY a.conf b.conf /etc/app
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
