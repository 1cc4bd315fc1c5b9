package dev.portcullis.rules.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.rules.Problem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerfileParserTest {
  @Test
  void continuationsJoinLinesAndKeepTheRange() {
    Dockerfile df = Dockerfile.parse("Dockerfile", """
        FROM debian:12.5
        # a comment
        RUN apt-get update \\
        # a comment inside the continuation is dropped
         && apt-get install -y curl \\

         && true
        USER 1000
        """);
    Instruction run = df.instructions().get(1);
    assertThat(run.keyword()).isEqualTo("RUN");
    assertThat(run.line()).isEqualTo(3);
    assertThat(run.endLine()).isEqualTo(7);
    assertThat(run.arguments().text()).isEqualTo("apt-get update  && apt-get install -y curl  && true");
    assertThat(df.instructions().get(2).line()).isEqualTo(8);
    assertThat(df.problems()).isEmpty();
  }

  @Test
  void escapeDirectiveSwitchesToBacktick() {
    Dockerfile df = Dockerfile.parse("Dockerfile", """
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        COPY app.exe C:\\app\\
        RUN dir C:\\ `
            && echo done
        """);
    assertThat(df.directives()).containsEntry("escape", "`");
    assertThat(df.instructions().get(1).words()).containsExactly("app.exe", "C:\\app\\");
    Instruction run = df.instructions().get(2);
    assertThat(run.line()).isEqualTo(4);
    assertThat(run.endLine()).isEqualTo(5);
    assertThat(run.arguments().text()).contains("dir C:\\ ").contains("&& echo done");
  }

  @Test
  void heredocsBelongToTheirInstruction() {
    Dockerfile df = Dockerfile.parse("Dockerfile", """
        FROM debian:12.5
        RUN <<EOF
        apt-get update
        apt-get install -y curl
        EOF
        COPY <<-'CONF' /etc/app.conf
        \tkey=$VALUE
        \tCONF
        USER app
        """);
    Instruction run = df.instructions().get(1);
    assertThat(run.line()).isEqualTo(2);
    assertThat(run.endLine()).isEqualTo(5);
    assertThat(run.script()).isEqualTo("apt-get update\napt-get install -y curl\n");
    Instruction copy = df.instructions().get(2);
    assertThat(copy.heredocs()).singleElement().satisfies(h -> {
      assertThat(h.delimiter()).isEqualTo("CONF");
      assertThat(h.body()).isEqualTo("key=$VALUE\n");
      assertThat(h.expand()).isFalse();
      assertThat(h.firstLine()).isEqualTo(7);
    });
    assertThat(df.instructions().get(3).line()).isEqualTo(9);
  }

  @Test
  void execAndShellForms() {
    Dockerfile df = Dockerfile.parse("Dockerfile", """
        FROM debian:12.5
        CMD ["/app", "--flag=a b"]
        ENTRYPOINT /app --flag
        CMD [not json
        """);
    assertThat(df.instructions().get(1).arguments()).isEqualTo(new Instruction.ExecForm(List.of("/app", "--flag=a b")));
    assertThat(df.instructions().get(2).arguments()).isEqualTo(new Instruction.ShellForm("/app --flag"));
    assertThat(df.instructions().get(3).arguments()).isInstanceOf(Instruction.ShellForm.class);
  }

  @Test
  void argAndEnvAreSubstitutedWhereTheBuilderDoes() {
    Dockerfile df = Dockerfile.parse("Dockerfile", """
        ARG REGISTRY=docker.io
        ARG TAG
        FROM ${REGISTRY}/library/debian:${TAG:-12.5} AS base
        ARG REGISTRY
        ENV APP_HOME=/opt/app PATH="$APP_HOME/bin:/usr/bin"
        WORKDIR ${APP_HOME}/data
        RUN echo $APP_HOME
        COPY --chown=app "my file" $APP_HOME/
        """, Map.of("TAG", "12.6"));
    Stage s = df.stages().get(0);
    assertThat(s.base()).isEqualTo("docker.io/library/debian:12.6");
    assertThat(s.baseResolved()).isTrue();
    assertThat(s.name()).isEqualTo("base");
    assertThat(Assignments.of(s.all("ENV").get(0))).containsEntry("APP_HOME", "/opt/app").containsEntry("PATH", "/bin:/usr/bin");
    assertThat(s.last("WORKDIR").orElseThrow().words()).containsExactly("/opt/app/data");
    assertThat(s.last("RUN").orElseThrow().words()).containsExactly("echo", "$APP_HOME");
    Instruction copy = s.last("COPY").orElseThrow();
    assertThat(copy.flag("chown")).contains("app");
    assertThat(copy.words()).containsExactly("my file", "/opt/app/");
  }

  @Test
  void unresolvedBaseIsMarked() {
    Dockerfile df = Dockerfile.parse("Dockerfile", "ARG BASE\nFROM $BASE\n");
    assertThat(df.stages().get(0).baseResolved()).isFalse();
  }

  @Test
  void stagesAndCopyFrom() {
    Dockerfile df = Dockerfile.parse("Dockerfile", """
        FROM golang:1.22 AS Build
        ENV CGO_ENABLED=0
        RUN go build -o /out/app .
        FROM build AS test
        RUN echo $CGO_ENABLED
        FROM gcr.io/distroless/static:nonroot
        COPY --from=build /out/app /app
        """);
    assertThat(df.stages()).extracting(Stage::name).containsExactly("build", "test", "");
    assertThat(df.stages().get(1).baseStage()).contains(0);
    assertThat(df.stages().get(2).baseStage()).isEmpty();
    assertThat(df.finalStage().orElseThrow().last("COPY").orElseThrow().flag("from")).contains("build");
    assertThat(df.stages().get(1).instructions()).extracting(Instruction::keyword).containsExactly("FROM", "RUN");
    assertThat(df.instructions()).extracting(Instruction::stage).containsExactly(0, 0, 0, 1, 1, 2, 2);
  }

  @Test
  void malformedInputBecomesProblemsWithLines() {
    Dockerfile df = Dockerfile.parse("bad/Dockerfile", """
        RUN echo before
        FROM debian:12.5
        FORM typo
        ENV A="unterminated
        USER
        RUN <<EOF
        echo never closed
        """);
    assertThat(df.problems()).extracting(Problem::display).containsExactly(
        "bad/Dockerfile:1:1: RUN before the first FROM",
        "bad/Dockerfile:3:1: unknown instruction 'FORM'",
        "bad/Dockerfile:4:1: ENV: unterminated \" quote",
        "bad/Dockerfile:5:1: USER needs arguments",
        "bad/Dockerfile:6:5: heredoc EOF is never closed");
    assertThat(df.stages()).hasSize(1);
  }

  @Test
  void binaryJunkAndEmptyInputDoNotThrow() {
    byte[] junk = new byte[4096];
    new java.util.Random(7).nextBytes(junk);
    Dockerfile df = Dockerfile.parse("junk", new String(junk, java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThat(df.problems()).isNotEmpty();
    assertThat(Dockerfile.parse("empty", "").instructions()).isEmpty();
    assertThat(Dockerfile.parse("dangling", "FROM a:1\nRUN x \\").instructions()).hasSize(2);
  }
}
