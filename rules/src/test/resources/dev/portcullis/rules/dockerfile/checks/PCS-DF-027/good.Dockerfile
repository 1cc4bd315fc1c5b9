FROM debian:12.5
COPY a.conf b.conf /etc/app/
COPY c.conf /etc/app/c.conf
USER 10001
HEALTHCHECK CMD ["/app/health"]
