use sea_orm_migration::prelude::*;

/// Medusa's inventory item has a `unit_of_measure` column (in its default admin fields).
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "inventory_0002_item_unit_of_measure"
    }
}

#[derive(DeriveIden)]
enum InventoryItem {
    Table,
    UnitOfMeasure,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(InventoryItem::Table)
                .add_column(ColumnDef::new(InventoryItem::UnitOfMeasure).string().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(InventoryItem::Table)
                .drop_column(InventoryItem::UnitOfMeasure)
                .to_owned(),
        )
        .await
    }
}
