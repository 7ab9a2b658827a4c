package io.tkms.boot;

public final class Main {
  public static void main(String[] args) {}
}
