FROM debian:12.5
RUN yum-config-manager --setopt sslverify=0 --save
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
