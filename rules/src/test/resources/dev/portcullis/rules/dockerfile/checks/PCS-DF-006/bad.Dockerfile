FROM debian:12.5
ADD app.conf /etc/app/
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
