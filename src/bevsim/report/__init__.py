"""What a person looks at: plots and files written atomically."""
