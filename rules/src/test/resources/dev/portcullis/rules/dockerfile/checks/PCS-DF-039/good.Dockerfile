FROM debian:12.5
RUN --mount=type=secret,id=netrc,target=/root/.netrc git clone https://git.example.com/team/app.git
USER 10001
HEALTHCHECK CMD ["/app/health"]
