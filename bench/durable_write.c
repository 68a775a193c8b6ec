/* What a write of `incident` cannot do without on this disk: a 2 KB file replaced
 * atomically and durably, as the store does it (a temp file in the same directory,
 * written, fsync'd, renamed over the old one, the directory fsync'd), and nothing else.
 * bench/run.sh measures it beside /bin/true: the floor under `open` and `update`.
 * Usage: durable_write DIR */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  char temp[4096], target[4096], text[2048];
  if (argc != 2 || snprintf(temp, sizeof temp, "%s/.incident.json.tmp", argv[1]) >= (int)sizeof temp ||
      snprintf(target, sizeof target, "%s/incident.json", argv[1]) >= (int)sizeof target) {
    fprintf(stderr, "usage: durable_write DIR\n");
    return 2;
  }
  memset(text, 'x', sizeof text);
  const int fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write(fd, text, sizeof text) != (ssize_t)sizeof text || fsync(fd) != 0 || close(fd) != 0 ||
      rename(temp, target) != 0) {
    perror("durable_write");
    return 1;
  }
  const int dir = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0 || fsync(dir) != 0 || close(dir) != 0) {
    perror("durable_write");
    return 1;
  }
  return 0;
}
