import { useId, type ReactNode } from "react";

/** A section of a record page, named by its heading (an id of its own, so that two never collide). */
export function TitledSection({ title, className, children }: { title: string; className?: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className={className} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
