FROM rockylinux:9.3
RUN zypper -n install httpd
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
