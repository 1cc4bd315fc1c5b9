FROM rockylinux:9.3
RUN zypper -n patch
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
