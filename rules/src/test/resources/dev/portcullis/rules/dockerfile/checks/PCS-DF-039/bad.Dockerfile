FROM debian:12.5
RUN git clone https://builder:s3cr3tpass@git.example.com/team/app.git
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
