FROM debian:12.5
RUN apt-get -o APT::Get::AllowUnauthenticated=true install -y app=1.0
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
