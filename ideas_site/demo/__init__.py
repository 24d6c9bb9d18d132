"""Demo content for `make run`: realistic Korean texts and the seeding of every app (the composition
root may import them all). Real citizen data never goes here."""
