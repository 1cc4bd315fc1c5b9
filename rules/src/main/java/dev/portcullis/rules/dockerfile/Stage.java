package dev.portcullis.rules.dockerfile;

import java.util.List;
import java.util.Optional;

/**
 * One build stage: from its {@code FROM} up to the next. {@code base} is the image or stage named
 * by {@code FROM}, with build arguments substituted; {@code baseResolved} is false when a variable
 * in it had no value. {@code baseStage} is the earlier stage it builds on, if it names one.
 */
public record Stage(int index, String name, String base, boolean baseResolved, Optional<Integer> baseStage, List<Instruction> instructions) {
  public Stage {
    instructions = List.copyOf(instructions);
  }

  /** The {@code FROM} instruction itself. */
  public Instruction from() {
    return instructions.get(0);
  }

  public List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  public Optional<Instruction> last(String keyword) {
    List<Instruction> all = all(keyword);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** {@code scratch}, the empty image. */
  public boolean fromScratch() {
    return base.equalsIgnoreCase("scratch");
  }
}
