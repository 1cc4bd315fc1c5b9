FROM debian:12.5
RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \
 && echo "c0ffee  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh
USER 10001
HEALTHCHECK CMD ["/app/health"]
