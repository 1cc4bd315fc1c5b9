FROM debian:12.5
RUN zypper --no-gpg-checks -n install app
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
