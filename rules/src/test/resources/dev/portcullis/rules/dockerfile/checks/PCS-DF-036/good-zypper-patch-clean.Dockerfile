FROM rockylinux:9.3
RUN zypper -n patch && zypper cc -a
USER 10001
HEALTHCHECK CMD ["/app/health"]
